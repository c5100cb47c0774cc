// Reading the evidence a notice e-mail carries (trust/notifier.ts), as the owner would from their mailbox.

/** The body of a received message as text: quoted-printable undone, line ends normalised. */
export function mailText(raw: string): string {
  const bytes = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}

/** The entry number and the signed note a notice e-mail carries (the note exactly as signed). */
export function mailEvidence(
  text: string,
): { seq: number | null; kind: string | null; covered: boolean; note: string } | null {
  const entry =
    /^Audit log entry: (?:#(\d+) \(([^)]+)\)(, not yet in a signed checkpoint)?|none matched)$/m.exec(text);
  const start = text.indexOf('it proves what the log said):\n\n');
  if (!entry || start < 0) return null;
  const lines = text.slice(start).split('\n').slice(2);
  const end = lines.findIndex((l) => l.startsWith('— '));
  if (end < 0) return null;
  return {
    seq: entry[1] === undefined ? null : Number(entry[1]),
    kind: entry[2] ?? null,
    covered: entry[3] === undefined,
    note: `${lines.slice(0, end + 1).join('\n')}\n`,
  };
}
