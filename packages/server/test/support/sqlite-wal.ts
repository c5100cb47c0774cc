// Counting real SQLite commits from outside: every COMMIT in WAL mode appends frames to the -wal file, the last of
// them marked as a commit frame. Turn checkpoints off (pragma wal_autocheckpoint = 0) while counting.
import fs from 'node:fs';

/** Commit frames in the WAL: one per real COMMIT since the WAL was last reset. */
export function walCommits(file: string): number {
  if (!fs.existsSync(`${file}-wal`)) return 0;
  const wal = fs.readFileSync(`${file}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salts = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salts[0] || wal.readUInt32BE(at + 12) !== salts[1]) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
