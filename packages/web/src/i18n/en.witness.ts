/** English strings of the witness alarm banner (session/witness.tsx), spread into en. */
export const enWitness = {
  'witness.title': 'Alarm: the server’s activity log failed this browser’s check',
  'witness.problem.keyChanged':
    'The server now signs its log with a different key than this browser saw before.',
  'witness.problem.badSignature': 'The server’s checkpoint signature does not verify.',
  'witness.problem.wentBackwards':
    'The log went back: it is shorter than the one this browser verified before. Entries are gone.',
  'witness.problem.wentBackAndRegrew':
    'The log went back to an earlier state (restored from a backup?) and has grown since along another history: entries this browser verified are gone.',
  'witness.problem.forked': 'The server showed this browser two different logs of the same size (a fork).',
  'witness.problem.inconsistent':
    'The log does not extend the one this browser verified before: its history was rewritten.',
  'witness.problem.logDamaged': 'The server says its log is damaged and cannot prove its history.',
  'witness.reported': 'Reported to the server as activity entry #{seq}; your other devices were told.',
  'witness.notReported': 'The server did not take the report ({reason}). Tell your server’s administrator.',
  'witness.seeActivity': 'See the activity',
} as const;
