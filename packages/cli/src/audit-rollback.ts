// A server restored from a backup serves an older log than its devices saw: smaller than their last checkpoint,
// or, once it has been used a while, grown past it along another branch. Both are a rollback, and the device says
// so in words an owner can act on, rather than a bare "inconsistent".
import { fromBase64, toBase64, verifyConsistency, type Checkpoint } from '@shoebox/shared/merkle/index';
import type { ApiClient } from './api-client.ts';
import type { SeenCheckpoint } from './audit-witness.ts';

/** How many older witnessed checkpoints are tried when looking for where a regrown log branched off. */
const MAX_TRIES = 12;

export function rolledBackMessage(from: number, to: number): string {
  return `the server's log was rolled back from size ${from} to ${to} (restored from a backup?).`;
}

/** Rolled back to somewhere after `extends` (the last size this device saw that it still extends), then grown. */
export function regrownMessage(from: number, extendsSize: number, now: number): string {
  return `the server's log was rolled back from size ${from} to between ${extendsSize} and ${from} (restored from a backup?), and has grown to ${now} entries since along another history.`;
}

/**
 * The largest checkpoint this device witnessed (below `lastSize`) that the server's current log still extends,
 * or undefined if there is none: then history was rewritten, not merely rolled back.
 */
export async function rolledBackTo(
  client: ApiClient,
  seen: readonly SeenCheckpoint[],
  lastSize: number,
  current: Checkpoint,
): Promise<SeenCheckpoint | undefined> {
  const older = seen
    .filter((s) => s.size > 0 && s.size < lastSize && s.size <= current.size)
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_TRIES);
  for (const candidate of older) {
    if (candidate.size === current.size) {
      if (candidate.root === toBase64(current.rootHash)) return candidate;
      continue;
    }
    const reply = await client
      .request<{ proof: string[] }>('GET', '/audit/proofs/consistency', {
        query: { from: candidate.size, to: current.size },
      })
      .catch(() => undefined);
    if (!reply) continue;
    const ok = verifyConsistency(
      candidate.size,
      current.size,
      reply.proof.map(fromBase64),
      fromBase64(candidate.root),
      current.rootHash,
    );
    if (ok.ok) return candidate;
  }
  return undefined;
}
