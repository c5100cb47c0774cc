// In-browser verification of the audit log, so a person need not trust the server's word about its own records:
// the checkpoint's signature (key pinned on first use), its consistency with the last checkpoint this browser
// kept, and the inclusion of each shown entry, recomputed from the committed event text.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, leafHash, tryFromBase64, verifyInclusion } from '@shoebox/shared/merkle/index';
import { api, ApiError, call, eachLimited, type Schemas } from '../api/client.tsx';
import { checkCheckpoint, keepAndReport, type AlarmCode } from './audit-checkpoint.ts';
import { keptCheckpoints } from './audit-witness-store.ts';

export type { AlarmCode };

export type EntryState = 'verified' | 'pending' | 'failed';

export interface AuditVerdict {
  size: number;
  signedAt: string;
  /** The size this browser had verified before (0 the first time). */
  previousSize: number;
  alarm: { code: AlarmCode; detail: string } | null;
  /** By activity id (the audit sequence number). */
  entries: Map<string, EntryState>;
}

type Entry = Pick<Schemas['ActivityItem'], 'id' | 'kind' | 'at'>;
type AuditEvent = Schemas['AuditEvent'];

/** The committed text must be this entry, and the leaf must be tag ‖ SHA-256(salt ‖ text). */
function leafOf(entry: Entry, event: AuditEvent | undefined): Uint8Array | null {
  if (!event) return null;
  let parsed: { seq?: unknown; kind?: unknown; at?: unknown };
  try {
    parsed = JSON.parse(event.event) as typeof parsed;
  } catch {
    return null;
  }
  if (parsed.seq !== Number(entry.id) || parsed.kind !== entry.kind) return null;
  if (typeof parsed.at === 'number' && parsed.at !== Date.parse(entry.at)) return null;
  const salt = tryFromBase64(event.salt);
  const tag = tryFromBase64(event.tag);
  const leaf = tryFromBase64(event.leaf);
  // 16-byte tags since migration 0025, 32 before.
  if (!salt || !tag || !leaf || (tag.length !== 16 && tag.length !== 32)) return null;
  const text = new TextEncoder().encode(event.event);
  const joined = new Uint8Array(salt.length + text.length);
  joined.set(salt);
  joined.set(text, salt.length);
  const computed = new Uint8Array(tag.length + 32);
  computed.set(tag);
  computed.set(sha256(joined), tag.length);
  return bytesEqual(computed, leaf) ? computed : null;
}

/** The account's event at `seq`: the first one after the cursor `seq - 1` (one small request, whatever the log's size). */
async function eventAt(seq: number): Promise<AuditEvent | undefined> {
  const cursor = seq > 0 ? String(seq - 1) : undefined;
  const page = await call(api.GET('/audit/events', { params: { query: { cursor, limit: 1 } } }));
  return page.items.find((e) => e.seq === seq);
}

/** Tries before the log's first checkpoint is signed (within a second of the first entry) are asked again. */
const FIRST_CHECKPOINT_TRIES = 8;
const FIRST_CHECKPOINT_WAIT_MS = 500;

/** The latest checkpoint; a brand-new log (first sign-up) has none for up to a second, so that answer is retried. */
async function latestCheckpoint() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(api.GET('/audit/checkpoint'));
    } catch (err) {
      const unsigned = err instanceof ApiError && err.code === 'unavailable';
      if (!unsigned || attempt >= FIRST_CHECKPOINT_TRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, FIRST_CHECKPOINT_WAIT_MS));
    }
  }
}

/** Verifies the latest checkpoint against the kept one, then each entry; keeps the checkpoint only if all pass. */
export async function verifyAudit(entries: readonly Entry[]): Promise<AuditVerdict> {
  const reply = await latestCheckpoint();
  const kept = keptCheckpoints();
  const verdict: AuditVerdict = {
    size: reply.size,
    signedAt: reply.signedAt,
    previousSize: 0,
    alarm: null,
    entries: new Map(),
  };
  const alarm = (code: AlarmCode, detail: string) => ({ ...verdict, alarm: { code, detail } });
  const checked = await checkCheckpoint(reply, kept);
  if (!checked.ok) return alarm(checked.code, checked.detail);
  const cp = checked.checkpoint;
  verdict.previousSize = checked.previous?.size ?? 0;

  const inTree = entries.filter((e) => Number(e.id) < cp.size);
  for (const e of entries) if (Number(e.id) >= cp.size) verdict.entries.set(e.id, 'pending');
  const outcomes = await eachLimited(inTree, 6, async (entry) => {
    const seq = Number(entry.id);
    // Anything short of a proof that checks out, including a garbled one, is a failure.
    verdict.entries.set(entry.id, 'failed');
    const leaf = leafOf(entry, await eventAt(seq));
    if (!leaf) return;
    const proof = await call(
      api.GET('/audit/proofs/inclusion', { params: { query: { seq, size: cp.size } } }),
    );
    const served = tryFromBase64(proof.leaf);
    const path = proof.proof.map(tryFromBase64);
    if (!served || !bytesEqual(served, leaf) || path.some((h) => h === undefined)) return;
    const ok = verifyInclusion(leafHash(leaf), seq, cp.size, path as Uint8Array[], cp.rootHash);
    if (ok.ok) verdict.entries.set(entry.id, 'verified');
  });
  // A refused or failed request is "could not verify" (shown quietly), not evidence of tampering.
  const broken = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (broken) throw broken.reason;
  const failed = inTree.filter((e) => verdict.entries.get(e.id) === 'failed').map((e) => e.id);
  if (failed.length > 0) return alarm('entries', failed.join(', '));
  await keepAndReport(checked.verifierKey, {
    size: cp.size,
    root: checked.root,
    note: reply.note,
    seenAt: new Date().toISOString(),
  });
  return verdict;
}
