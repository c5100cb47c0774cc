/** What instances tell each other. Hints only: receivers read the data itself from the database. */
export type ClusterMessage =
  | { type: 'feed'; accountId: string }
  | { type: 'revoke'; sessionId: string; deviceId: string; reason: string }
  | { type: 'device'; deviceId: string; event: string; data: unknown }
  | { type: 'account'; accountId: string; event: string; data: unknown };

export function parseClusterMessage(raw: unknown): ClusterMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  const str = (k: string) => typeof m[k] === 'string';
  switch (m['type']) {
    case 'feed':
      return str('accountId') ? (m as ClusterMessage) : null;
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
