// Queries on the audit tables. Blobs go in as Buffers (what better-sqlite3 binds) and come back
// as Buffers from both drivers.
import type { AuditDb } from './audit.db.ts';
import { AuditOwnerForgotten } from '../adapters/db/audit-append.ts';
import { loadTerms, openOrFail, ownerOf } from './audit.event-row.ts';
import { asBuffer, derivedSalt } from './audit.leaf.ts';
import { leafRange, leavesAt } from './audit.rows.ts';
import { AuditIntegrityError } from './audit.tree.ts';

/** audit_keys.account_id of the key for events that concern no account. Never a UUID. */
export const SERVER_KEY_ID = 'server';

export interface StoredEvent {
  seq: number;
  kind: string;
  /** The committed text. */
  event: string;
  salt: Uint8Array;
  leaf: Uint8Array;
  createdAt: number;
}

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
  createdAt: number;
}

async function key(db: AuditDb, accountId: string): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('audit_keys')
    .select('key')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.key;
}

export function createAuditStore() {
  return {
    key,

    /** Stores `candidate` unless the owner has a key already; returns the stored key either way. */
    async ensureKey(db: AuditDb, accountId: string, candidate: Uint8Array, now: number): Promise<Uint8Array> {
      // One statement sees an owner with its key or neither (both are inserted in one transaction).
      const forgotten = await db
        .selectFrom('audit_owners as o')
        .select('o.account_id')
        .where('o.account_id', '=', accountId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('audit_keys as k')
                .select('k.account_id')
                .whereRef('k.account_id', '=', 'o.account_id'),
            ),
          ),
        )
        .executeTakeFirst();
      if (forgotten) throw new AuditOwnerForgotten(accountId);
      await db
        .insertInto('audit_owners')
        .values({ account_id: accountId })
        .onConflict((oc) => oc.column('account_id').doNothing())
        .execute();
      await db
        .insertInto('audit_keys')
        .values({ account_id: accountId, key: asBuffer(candidate), created_at: now })
        .onConflict((oc) => oc.column('account_id').doNothing())
        .execute();
      const stored = await key(db, accountId);
      if (!stored) throw new Error(`audit key of ${accountId} vanished`);
      return stored;
    },

    /**
     * The account's events after `afterSeq`, with their leaves and salts, oldest first. Throws AuditIntegrityError when
     * a row cannot be opened (altered bytes, an unknown kind): an export must not skip it quietly.
     */
    async eventsOf(db: AuditDb, accountId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
      const events = await db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'salt', 'created_at'])
        .where('owner', '=', ownerOf(accountId))
        .where('seq', '>', afterSeq)
        .where('span_last', '>', afterSeq) // skips the owner's blocks wholly before the cursor
        .orderBy('seq')
        .limit(limit)
        .execute();
      const leaves = await leavesAt(
        db,
        events.map((e) => Number(e.seq)),
      );
      const rows = events.map((e) => ({ ...e, leaf: leaves.get(Number(e.seq)) ?? null }));
      const accountKey = rows.some((r) => r.salt === null && r.body !== null)
        ? await key(db, accountId)
        : undefined;
      const terms = await loadTerms(db, rows);
      return rows.flatMap((r): StoredEvent[] => {
        const seq = Number(r.seq);
        const opened = openOrFail(r, terms);
        if (opened === null) return [];
        if (r.leaf === null) return missingLeaf(seq);
        const salt = r.salt ?? (accountKey && derivedSalt(accountKey, seq));
        if (!salt) throw new AuditIntegrityError(`audit entry ${seq} has no salt and its account no key`);
        return [
          { seq, kind: opened.kind, event: opened.text, salt, leaf: r.leaf, createdAt: Number(r.created_at) },
        ];
      });
    },

    /** Raw leaves with from <= seq < to, in order; throws AuditIntegrityError when one is missing. */
    async leaves(db: AuditDb, from: number, to: number): Promise<Uint8Array[]> {
      const rows = await leafRange(db, from, to);
      // Seqs are dense: a gap would shift every later leaf onto the wrong seq for whoever scans the page.
      // Callers ask only below the tree size, so every seq in the range must be there.
      rows.forEach((r, i) => {
        if (Number(r.seq) !== from + i) missingLeaf(from + i);
      });
      if (rows.length < to - from) missingLeaf(from + rows.length);
      return rows.map((r) => r.leaf);
    },

    async latestCheckpoint(db: AuditDb): Promise<StoredCheckpoint | undefined> {
      const row = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return (
        row && { size: Number(row.size), root: row.root, note: row.note, createdAt: Number(row.created_at) }
      );
    },

    /** Another instance may have signed the same size first; both notes are then identical (Ed25519 is deterministic). */
    async insertCheckpoint(db: AuditDb, cp: StoredCheckpoint): Promise<void> {
      await db
        .insertInto('audit_checkpoints')
        .values({ size: cp.size, root: asBuffer(cp.root), note: cp.note, created_at: cp.createdAt })
        .onConflict((oc) => oc.column('size').doNothing())
        .execute();
    },

    /**
     * Crypto-shredding: the key goes and the openable records (bodies and their terms) are blanked; leaves stay (the tree
     * must not change) but nobody can attribute or open them any more. The event rows remain as
     * tombstones so a full verification can tell forgotten leaves from injected ones.
     */
    async forget(db: AuditDb, accountId: string): Promise<void> {
      await db.deleteFrom('audit_keys').where('account_id', '=', accountId).execute();
      await db
        .updateTable('audit_events')
        .set({ kind: null, body: null, salt: null })
        .where('owner', '=', ownerOf(accountId))
        .execute();
      // Packed ones too (PostgreSQL; the caller holds the key row, so no pack of this owner runs meanwhile).
      await db
        .updateTable('audit_event_blocks')
        .set({ kind: null, bodies: null, salts: null })
        .where('owner', '=', ownerOf(accountId))
        .execute();
      // The values its bodies named (device and session ids, places) go with them.
      await db.deleteFrom('audit_terms').where('owner', '=', ownerOf(accountId)).execute();
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;

function missingLeaf(seq: number): never {
  throw new AuditIntegrityError(`audit leaf ${seq} is missing`);
}
