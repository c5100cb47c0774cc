// The explain page's citations checked in this browser, as the CLI checks them before repeating a claim
// (packages/cli/src/audit-citations.ts): each cited entry must open with the account's audit key, be of the kind
// the citation says, and be included in the latest checkpoint, which must extend the one this browser verified
// before (the activity log's witness: pinned key, consistency proof).
import { auditLeaf } from '@shoebox/shared/audit-leaf/index';
import { bytesEqual, leafHash, tryFromBase64, verifyInclusion } from '@shoebox/shared/merkle/index';
import { api, call } from '../api/client.tsx';
import { checkCheckpoint } from '../devices/audit-checkpoint.ts';
import { keptCheckpoints } from '../devices/audit-witness-store.ts';
import type { Citation } from './report-types.ts';

/** `pending`: newer than the latest signed checkpoint; `failed`: anything short of a proof that checks out. */
export type CiteState = 'verified' | 'pending' | 'failed';

export interface CitedEntry {
  seq: number;
  kind: string;
  /** When the entry says it happened (ms), from its committed text. */
  at: number | null;
  state: CiteState;
}

export interface CiteCheck {
  size: number;
  entries: Map<number, CitedEntry>;
}

const PAGE = 1000;

function parse(event: string): { seq?: unknown; kind?: unknown; at?: unknown } {
  try {
    return JSON.parse(event) as { seq?: unknown; kind?: unknown; at?: unknown };
  } catch {
    return {};
  }
}

/** Checks every citation; a refused request rejects (shown as "could not check", not as tampering). */
export async function checkCitations(citations: readonly Citation[]): Promise<CiteCheck> {
  const kinds = new Map(citations.map((c) => [c.seq, c.kind]));
  const entries = new Map<number, CitedEntry>();
  const mark = (seq: number, state: CiteState, at: number | null = null) =>
    entries.set(seq, { seq, kind: kinds.get(seq) ?? '', at, state });
  const reply = await call(api.GET('/audit/checkpoint'));
  const checked = await checkCheckpoint(reply, keptCheckpoints());
  if (!checked.ok) {
    for (const seq of kinds.keys()) mark(seq, 'failed');
    return { size: reply.size, entries };
  }
  const { size, rootHash } = checked.checkpoint;
  const inTree = [...kinds.keys()].filter((s) => s < size).sort((a, b) => a - b);
  for (const seq of kinds.keys()) mark(seq, seq < size ? 'failed' : 'pending');
  if (inTree.length === 0) return { size, entries };
  const key = tryFromBase64((await call(api.GET('/audit/key'))).key);
  if (!key) return { size, entries };
  for (let i = 0; i < inTree.length; i += PAGE) {
    const seqs = inTree.slice(i, i + PAGE);
    const page = await call(api.POST('/evidence/entries', { body: { seqs, size } }));
    for (const e of page.items) {
      if (!kinds.has(e.seq)) continue;
      const parsed = parse(e.event);
      const at = typeof parsed.at === 'number' ? parsed.at : null;
      const salt = tryFromBase64(e.salt);
      const served = tryFromBase64(e.leaf);
      const path = e.proof.map(tryFromBase64);
      if (!salt || !served || path.some((h) => h === undefined)) continue;
      const leaf = auditLeaf(key, e.seq, salt, e.event, served);
      if (!bytesEqual(leaf, served) || parsed.seq !== e.seq || parsed.kind !== kinds.get(e.seq)) {
        mark(e.seq, 'failed', at);
        continue;
      }
      const ok = verifyInclusion(leafHash(leaf), e.seq, size, path as Uint8Array[], rootHash);
      mark(e.seq, ok.ok ? 'verified' : 'failed', at);
    }
  }
  return { size, entries };
}
