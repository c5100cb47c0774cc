// What this browser remembers of the audit log, in localStorage: the pinned key, the last checkpoint it verified,
// and the last checkpoints it verified (bounded), which the next one is judged against (a rollback, two roots for
// a size) and which travel in the audit export so that an offline check can recompute their roots from the leaves.
import type { SeenCheckpoint } from '@shoebox/shared/audit-export/format';
import type { KeptCheckpoints } from '@shoebox/shared/audit-export/witness';

const WITNESS_KEY = 'shoebox.audit.witness';
const HISTORY_KEY = 'shoebox.audit.witnessed';
/** About 300 bytes each: enough history to matter, small beside localStorage's few megabytes. */
const MAX_HISTORY = 100;

/** The last checkpoint verified here. `note` and `seenAt` are missing when kept by an older version of the app. */
export interface Witness {
  verifierKey: string;
  size: number;
  root: string;
  note?: string;
  seenAt?: string;
}

interface History {
  verifierKey: string;
  seen: SeenCheckpoint[];
}

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function loadWitness(): Witness | null {
  return read<Witness>(WITNESS_KEY);
}

/** Every checkpoint verified in this browser under the pinned key, oldest first, the kept one included. */
export function witnessedCheckpoints(): SeenCheckpoint[] {
  const kept = loadWitness();
  const history = read<History>(HISTORY_KEY);
  return kept && history?.verifierKey === kept.verifierKey ? history.seen : [];
}

/**
 * What a new checkpoint is judged against (shared/src/audit-export/witness.ts): the pinned key, the last checkpoint
 * verified here and the history, so an older checkpoint is a rollback and another root for any size kept a fork.
 * localStorage belongs to this origin, and the history to the pinned key: one history per server origin and key.
 */
export function keptCheckpoints(): KeptCheckpoints | null {
  const kept = loadWitness();
  if (!kept) return null;
  return { verifierKey: kept.verifierKey, checkpoints: [...witnessedCheckpoints(), kept] };
}

/** Keeps a checkpoint this browser has just verified: as the one to compare with next, and in the history. */
export function keepCheckpoint(verifierKey: string, seen: SeenCheckpoint): void {
  // A new pinned key (this browser had kept nothing, or lost it) starts a new history.
  const earlier = loadWitness()?.verifierKey === verifierKey ? witnessedCheckpoints() : [];
  const next: History = {
    verifierKey,
    seen: [...earlier.filter((s) => s.size !== seen.size), seen]
      .sort((a, b) => a.size - b.size)
      .slice(-MAX_HISTORY),
  };
  localStorage.setItem(WITNESS_KEY, JSON.stringify({ verifierKey, ...seen } satisfies Witness));
  localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
}
