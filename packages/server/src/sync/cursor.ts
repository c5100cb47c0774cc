/**
 * Feed cursors are opaque to devices: the change id they stand for, bound to this database's epoch so that a
 * cursor from another server or from before a restore is recognised and answered with a reset.
 */
export function encodeFeedCursor(epoch: string, changeId: number): string {
  return Buffer.from(`v1:${epoch}:${changeId}`).toString('base64url');
}

export type DecodedCursor = { ok: true; changeId: number } | { ok: false; reason: 'malformed' | 'foreign' };

export function decodeFeedCursor(epoch: string, cursor: string): DecodedCursor {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts[0] !== 'v1' || !/^\d+$/.test(parts[2] ?? ''))
    return { ok: false, reason: 'malformed' };
  if (parts[1] !== epoch) return { ok: false, reason: 'foreign' };
  return { ok: true, changeId: Number(parts[2]) };
}
