// How a device witnessing the audit log judges the server's latest checkpoint against the ones it verified before,
// the same for the CLI (cli/src/audit-witness.ts) and the browser (web/src/devices/audit-checkpoint.ts), so both
// name a misbehaving server's log the same way:
//   - another key than the pinned one                                  → key-changed
//   - a note that does not verify with the pinned key                  → bad-signature
//   - a size seen before (the newest or an older one), another root    → two-roots
//   - smaller than the newest kept                                     → rolled-back
//   - larger, with a valid consistency proof from the newest kept      → accepted
//   - larger, no valid proof from the newest, but one from an older kept checkpoint
//     (restored from a backup and grown since along another branch)   → rolled-back (regrown)
//   - larger, no valid proof from any kept one                         → inconsistent
import {
  openCheckpoint,
  toBase64,
  tryFromBase64,
  verifyConsistency,
  type Checkpoint,
} from '../merkle/index.ts';

/** A checkpoint a device verified: `note` may be missing when kept by an older version of an app. */
export interface KeptCheckpoint {
  size: number;
  /** Base64 root hash. */
  root: string;
  note?: string;
}

/** What a device kept of the log: the pinned key and the checkpoints it verified (the newest among them). */
export interface KeptCheckpoints {
  verifierKey: string;
  checkpoints: readonly KeptCheckpoint[];
}

/** Asks the server for the consistency proof between two sizes (base64 hashes); a refusal throws. */
export type FetchConsistency = (from: number, to: number) => Promise<readonly string[]>;

export type WitnessFinding =
  | { problem: 'key-changed'; servedKey: string; against: KeptCheckpoint | null }
  | { problem: 'bad-signature'; reason: string; against: KeptCheckpoint | null }
  /** `against`: the kept checkpoint of the same size with another root. */
  | { problem: 'two-roots'; size: number; keptRoot: string; root: string; against: KeptCheckpoint }
  /**
   * Smaller than the newest kept (`from` → `to`), or, with `branchedAfter`, larger but extending only an older kept
   * checkpoint of that size: rolled back to somewhere in (branchedAfter, from) and grown since.
   */
  | { problem: 'rolled-back'; from: number; to: number; branchedAfter?: number; against: KeptCheckpoint }
  | { problem: 'inconsistent'; from: number; to: number; reason: string; against: KeptCheckpoint };

export type WitnessVerdict =
  | {
      ok: true;
      checkpoint: Checkpoint;
      root: string;
      verifierKey: string;
      /** The newest checkpoint kept before (null the first time). */
      previous: KeptCheckpoint | null;
    }
  | ({ ok: false } & WitnessFinding);

/** How many older kept checkpoints are tried when looking for where a regrown log branched off. */
export const MAX_BRANCH_TRIES = 12;

/** The kept checkpoint of the largest size (the last of equals), or null. */
export function newestKept(kept: KeptCheckpoints | null): KeptCheckpoint | null {
  let newest: KeptCheckpoint | null = null;
  for (const c of kept?.checkpoints ?? []) if (!newest || c.size >= newest.size) newest = c;
  return newest;
}

async function extendsKept(
  from: KeptCheckpoint,
  cp: Checkpoint,
  fetchProof: FetchConsistency,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  // Every log extends the empty one, and there is no proof to ask for (servers refuse from=0).
  if (from.size === 0) return { ok: true };
  const root = tryFromBase64(from.root);
  if (!root) return { ok: false, reason: 'the kept root is not base64' };
  const proof = (await fetchProof(from.size, cp.size)).map(tryFromBase64);
  if (proof.some((h) => h === undefined)) return { ok: false, reason: 'the proof is not base64' };
  return verifyConsistency(from.size, cp.size, proof as Uint8Array[], root, cp.rootHash);
}

/**
 * Judges the server's checkpoint (`note`, with the key the server says it signs with) against what this device kept.
 * Only the consistency proof from the newest kept checkpoint may throw (a refused request: try again, no verdict);
 * proofs asked for while looking for a branch point that fail are skipped.
 */
export async function classifyCheckpoint(
  note: string,
  servedKey: string,
  kept: KeptCheckpoints | null,
  fetchProof: FetchConsistency,
): Promise<WitnessVerdict> {
  const newest = newestKept(kept);
  if (kept && servedKey !== kept.verifierKey)
    return { ok: false, problem: 'key-changed', servedKey, against: newest };
  const verifierKey = kept?.verifierKey ?? servedKey;
  const opened = openCheckpoint(note, verifierKey);
  if (!opened.ok) return { ok: false, problem: 'bad-signature', reason: opened.reason, against: newest };
  const cp = opened.checkpoint;
  const root = toBase64(cp.rootHash);
  const accepted: WitnessVerdict = { ok: true, checkpoint: cp, root, verifierKey, previous: newest };
  if (!kept || !newest) return accepted;

  const sameSize = kept.checkpoints.find((c) => c.size === cp.size && c.root !== root);
  if (sameSize)
    return {
      ok: false,
      problem: 'two-roots',
      size: cp.size,
      keptRoot: sameSize.root,
      root,
      against: sameSize,
    };
  if (cp.size < newest.size)
    return { ok: false, problem: 'rolled-back', from: newest.size, to: cp.size, against: newest };
  if (cp.size === newest.size) return accepted;

  const proved = await extendsKept(newest, cp, fetchProof);
  if (proved.ok) return accepted;
  // Restored from a backup and used since: the log may extend an older checkpoint this device kept, not the newest.
  const older = kept.checkpoints
    .filter((c) => c.size > 0 && c.size < newest.size)
    .sort((a, b) => b.size - a.size)
    .filter((c, i, all) => i === 0 || all[i - 1]?.size !== c.size)
    .slice(0, MAX_BRANCH_TRIES);
  for (const candidate of older) {
    const branch = await extendsKept(candidate, cp, fetchProof).catch(() => ({ ok: false }) as const);
    if (branch.ok)
      return {
        ok: false,
        problem: 'rolled-back',
        from: newest.size,
        to: cp.size,
        branchedAfter: candidate.size,
        against: newest,
      };
  }
  return {
    ok: false,
    problem: 'inconsistent',
    from: newest.size,
    to: cp.size,
    reason: proved.reason,
    against: newest,
  };
}
