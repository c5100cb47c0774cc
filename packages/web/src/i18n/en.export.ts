/** English strings of the audit export download (spread into en). */
export const enExport = {
  'export.button': 'Download audit export',
  'export.hint':
    'A file with this account’s audit entries, their proofs and the checkpoints this browser verified. Anyone can check it offline with the command “shoebox audit verify”.',
  'export.step.events': 'Reading audit entries: {done} so far',
  'export.step.checkpoint': 'Checking the server’s latest checkpoint',
  'export.step.proofs': 'Fetching proofs: {done} of {total}',
  'export.step.leaves': 'Fetching the log for the completeness check: {done} of {total} entries',
  'export.progress': 'Audit export progress',
  'export.done.one': 'Downloaded {file}: {count} entry.',
  'export.done.other': 'Downloaded {file}: {count} entries.',
  'export.failed': 'Could not build the audit export: {reason}',
  'export.alarm':
    'No export: the server’s log does not extend the one this browser verified before. {reason}',
} as const;
