/**
 * Feed cursors are opaque to devices: the change id they stand for, bound to this database's epoch so that a
 * cursor from another server or from before a restore is recognised and answered with a reset. A cursor handed out
 * with a page also carries the feed head the page was read at: acknowledging it tells the delivery records exactly
 * which version of each entity the page carried (v1 cursors, without it, read as head = change id).
 */
export function encodeFeedCursor(epoch: string, changeId: number, servedHead = changeId): string {
  const text = servedHead > changeId ? `v2:${epoch}:${changeId}:${servedHead}` : `v1:${epoch}:${changeId}`;
  return Buffer.from(text).toString('base64url');
}

export type DecodedCursor =
  { ok: true; changeId: number; servedHead: number } | { ok: false; reason: 'malformed' | 'foreign' };

const NUMBER = /^\d{1,15}$/;

export function decodeFeedCursor(epoch: string, cursor: string): DecodedCursor {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const [version, cursorEpoch, id, head] = parts;
  const v1 = version === 'v1' && parts.length === 3;
  const v2 = version === 'v2' && parts.length === 4 && NUMBER.test(head ?? '');
  if ((!v1 && !v2) || !NUMBER.test(id ?? '')) return { ok: false, reason: 'malformed' };
  if (cursorEpoch !== epoch) return { ok: false, reason: 'foreign' };
  const changeId = Number(id);
  const servedHead = v2 ? Number(head) : changeId;
  if (servedHead < changeId) return { ok: false, reason: 'malformed' };
  return { ok: true, changeId, servedHead };
}
