// A server restored from a backup serves an older log than its devices saw: smaller than their last checkpoint,
// or, once it has been used a while, grown past it along another branch. Both are a rollback, and the device says
// so in words an owner can act on, rather than a bare "inconsistent".
// Where a regrown log branched off is found by the shared witness verdict (shared/src/audit-export/witness.ts).

export function rolledBackMessage(from: number, to: number): string {
  return `the server's log was rolled back from size ${from} to ${to} (restored from a backup?).`;
}

/** Rolled back to somewhere after `extends` (the last size this device saw that it still extends), then grown. */
export function regrownMessage(from: number, extendsSize: number, now: number): string {
  return `the server's log was rolled back from size ${from} to between ${extendsSize} and ${from} (restored from a backup?), and has grown to ${now} entries since along another history.`;
}
