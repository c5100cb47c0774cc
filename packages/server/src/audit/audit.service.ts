// What signed-in devices may ask of the audit log. Proofs and raw leaves are the same for
// everyone (leaves reveal nothing without a key); events and the key only ever of one's own account.
import { toBase64 } from '@shoebox/shared/merkle/index';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import type { AuditLog } from './audit.log.ts';
import type * as Api from './audit.schemas.ts';
import { COMMITMENT_BYTES } from './audit.leaf.ts';
import { createAuditStore } from './audit.store.ts';
import { AuditIntegrityError, consistencyProof, inclusionProof, treeSize } from './audit.tree.ts';

/** Most leaves one /audit/leaves page returns (64 bytes each). */
export const MAX_LEAVES_PAGE = 4096;

export interface AuditServiceDeps {
  db: Db;
  log: AuditLog;
  checkpointer: Checkpointer;
}

export function createAuditService({ db: raw, log, checkpointer }: AuditServiceDeps) {
  const db = auditDb(raw);
  const store = createAuditStore();

  async function withinTree(size: number): Promise<void> {
    const current = await treeSize(db);
    if (size <= current) return;
    // Fewer leaves than a signed checkpoint covers: rows were deleted, not a bad request.
    const signed = (await checkpointer.latest())?.size ?? 0;
    if (signed > current)
      throw new AuditIntegrityError(`the log has ${current} leaves but checkpoint ${signed} was signed`);
    throw new AppError('bad_request', `The audit log has only ${current} entries.`);
  }

  return {
    async checkpoint(actor: Principal): Promise<Api.AuditCheckpoint> {
      requireTrusted(actor);
      const cp = await checkpointer.latest();
      if (!cp)
        throw new AppError('unavailable', 'No audit checkpoint has been signed yet; try again in a second.');
      const { origin, verifierKey } = checkpointer;
      return {
        origin,
        verifierKey,
        size: cp.size,
        root: toBase64(cp.root),
        note: cp.note,
        signedAt: iso(cp.createdAt),
      };
    },

    async inclusion(actor: Principal, seq: number, size: number): Promise<Api.AuditInclusionProof> {
      requireTrusted(actor);
      if (seq >= size) throw new AppError('bad_request', 'seq must be below size.');
      await withinTree(size);
      const [leaf] = await store.leaves(db, seq, seq + 1);
      if (!leaf) throw new AuditIntegrityError(`audit leaf ${seq} is missing`);
      const proof = await inclusionProof(db, seq, size);
      return { seq, size, leaf: toBase64(leaf), proof: proof.map(toBase64) };
    },

    async consistency(actor: Principal, from: number, to: number): Promise<Api.AuditConsistencyProof> {
      requireTrusted(actor);
      if (from < 1 || from > to) throw new AppError('bad_request', 'Need 1 <= from <= to.');
      await withinTree(to);
      return { from, to, proof: (await consistencyProof(db, from, to)).map(toBase64) };
    },

    /** The caller's account's events after the cursor, oldest first. */
    async events(actor: Principal, cursor: string | undefined, limit: number): Promise<Api.AuditEventsPage> {
      requireTrusted(actor);
      const after = cursor === undefined ? -1 : Number(cursor);
      if (!Number.isSafeInteger(after) || after < -1)
        throw new AppError('invalid_cursor', 'The cursor is not valid.');
      const rows = await store.eventsOf(db, actor.account.id, after, limit + 1);
      const items = rows.slice(0, limit).map((r) => ({
        seq: r.seq,
        kind: r.kind,
        createdAt: iso(r.createdAt),
        event: r.event,
        body: (JSON.parse(r.event) as { body: Record<string, unknown> }).body,
        salt: toBase64(r.salt),
        tag: toBase64(r.leaf.subarray(0, r.leaf.length - COMMITMENT_BYTES)),
        commitment: toBase64(r.leaf.subarray(r.leaf.length - COMMITMENT_BYTES)),
        leaf: toBase64(r.leaf),
      }));
      const last = items.at(-1);
      return { items, cursor: last ? String(last.seq) : (cursor ?? null), hasMore: rows.length > limit };
    },

    async key(actor: Principal): Promise<Api.AuditKey> {
      requireTrusted(actor);
      const key = await log.accountKey(raw, actor.account.id);
      return { accountId: actor.account.id, key: toBase64(key), algorithm: 'HMAC-SHA256(key, u64be(seq))' };
    },

    /** Raw leaves [from, to) for the tag scan: a device checks that none it was not told about carries its tag. */
    async leaves(actor: Principal, from: number, to: number): Promise<Api.AuditLeavesPage> {
      requireTrusted(actor);
      if (to < from || to - from > MAX_LEAVES_PAGE) {
        throw new AppError('bad_request', `Ask for 0 to ${MAX_LEAVES_PAGE} leaves at a time.`);
      }
      const size = await treeSize(db);
      const end = Math.min(to, size);
      const leaves = from >= end ? [] : await store.leaves(db, from, end);
      return { from, to: Math.max(from, end), size, leaves: leaves.map(toBase64) };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
