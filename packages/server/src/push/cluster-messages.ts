import type { Photo } from '@shoebox/shared';

/** What instances tell each other. Hints only: receivers read the data itself from the database. */
export type ClusterMessage =
  /** `photo`: the new upload the move is about (a PushMessage `feed` passes it on to the account's devices). */
  | { type: 'feed'; accountId: string; photo?: Photo }
  | { type: 'revoke'; sessionId: string; deviceId: string; reason: string }
  | { type: 'device'; deviceId: string; event: string; data: unknown }
  | { type: 'account'; accountId: string; event: string; data: unknown };

export function parseClusterMessage(raw: unknown): ClusterMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  const str = (k: string) => typeof m[k] === 'string';
  switch (m['type']) {
    case 'feed':
      if (!str('accountId')) return null;
      // A photo that does not look like one is dropped, not the hint: the feed has the truth anyway.
      return isPhotoLike(m['photo'])
        ? (m as ClusterMessage)
        : { type: 'feed', accountId: m['accountId'] as string };
    case 'revoke':
      return str('sessionId') && str('reason') ? (m as ClusterMessage) : null;
    case 'device':
      return str('deviceId') && str('event') ? (m as ClusterMessage) : null;
    case 'account':
      return str('accountId') && str('event') ? (m as ClusterMessage) : null;
    default:
      return null;
  }
}

function isPhotoLike(photo: unknown): boolean {
  if (typeof photo !== 'object' || photo === null) return false;
  const p = photo as Record<string, unknown>;
  return typeof p['id'] === 'string' && typeof p['sha256'] === 'string' && typeof p['status'] === 'string';
}
