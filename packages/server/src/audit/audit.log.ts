// Appending to the audit log inside the caller's transaction: the action and its record commit
// or roll back together ("no action without its record").
import { randomBytes } from 'node:crypto';
import { Frontier, leafHash } from '@shoebox/shared/merkle/index';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import { auditDb, auditTx, type AuditDb } from './audit.db.ts';
import type { AuditInput } from './audit.kinds.ts';
import { KEY_BYTES, SALT_BYTES, eventText, makeLeaf } from './audit.leaf.ts';
import { SERVER_KEY_ID, createAuditStore, type AuditStore } from './audit.store.ts';
import { loadFrontier } from './audit.tree.ts';

export interface AuditLogDeps {
  /** Orders appends across transactions (on PostgreSQL concurrent appenders wait instead of colliding). */
  features: Pick<DbFeatures, 'auditSequenceLock'>;
  clock: Clock;
  store?: AuditStore;
}

/** Per-transaction state: the tree edge after this transaction's own appends, and the keys it used. */
interface TrxState {
  frontier: Frontier;
  keys: Map<string, Uint8Array>;
}

export function createAuditLog({ features, clock, store = createAuditStore() }: AuditLogDeps) {
  const states = new WeakMap<object, TrxState>();
  const queues = new WeakMap<object, Promise<unknown>>();
  // Edge of the tree after the last successful append in this process. Only trusted when the
  // database's last leaf is the same one (another instance or a rollback may have moved on).
  let cached: { frontier: Frontier; lastLeaf: Uint8Array } | undefined;

  async function begin(db: AuditDb): Promise<TrxState> {
    const last = await store.lastLeaf(db);
    const size = last ? last.seq + 1 : 0;
    const hit =
      cached && last && cached.frontier.size === size && Buffer.from(cached.lastLeaf).equals(last.leaf);
    const base = hit && cached ? cached.frontier : await loadFrontier(db, size);
    // A copy: this transaction may still roll back.
    const frontier = Frontier.fromHashes(base.size, base.hashes);
    return { frontier, keys: new Map() };
  }

  async function keyOf(db: AuditDb, state: TrxState, owner: string, now: number): Promise<Uint8Array> {
    let key = state.keys.get(owner) ?? (await store.key(db, owner));
    key ??= await store.ensureKey(db, owner, randomBytes(KEY_BYTES), now);
    state.keys.set(owner, key);
    return key;
  }

  async function append(db: AuditDb, state: TrxState, input: AuditInput): Promise<{ seq: number }> {
    const seq = state.frontier.size;
    const at = clock.now();
    const event = eventText(seq, at, input);
    const key = await keyOf(db, state, input.accountId ?? SERVER_KEY_ID, at);
    const salt = randomBytes(SALT_BYTES);
    const leaf = makeLeaf(key, seq, salt, event);
    const completed = state.frontier.append(leafHash(leaf));
    await store.append(
      db,
      { seq, accountId: input.accountId, kind: input.kind, event, salt, at },
      leaf,
      completed,
    );
    cached = { frontier: state.frontier, lastLeaf: leaf };
    return { seq };
  }

  async function recordNow(trx: Tx, input: AuditInput): Promise<{ seq: number }> {
    const db = auditTx(trx);
    let state = states.get(trx);
    if (!state) {
      await features.auditSequenceLock(trx);
      state = await begin(db);
      states.set(trx, state);
    }
    try {
      return await append(db, state, input);
    } catch (err) {
      // A failed insert leaves our frontier ahead of the database: start over on the next call.
      states.delete(trx);
      cached = undefined;
      throw err;
    }
  }

  return {
    /**
     * Appends one event in `trx` and returns its sequence number (its leaf index). Call it last
     * in the transaction: on PostgreSQL it holds the log's lock until commit. Do not roll back to
     * a savepoint taken before a record() and keep the transaction: the log would not notice.
     */
    async record(trx: Tx, input: AuditInput): Promise<{ seq: number }> {
      if (!trx.isTransaction)
        throw new TypeError('audit record() needs the transaction of the action it records');
      // Calls on one transaction run one after the other: each builds on the previous leaf.
      const run = (queues.get(trx) ?? Promise.resolve()).then(() => recordNow(trx, input));
      queues.set(
        trx,
        run.catch(() => undefined),
      );
      return run;
    },

    /** Destroys the account's key and blanks its events; its leaves stay in the tree, unopenable. */
    async forgetAccount(db: Queryable, accountId: string): Promise<void> {
      if (accountId === SERVER_KEY_ID) throw new RangeError('the server key cannot be forgotten');
      await store.forget(auditDb(db), accountId);
    },

    /** The account's key, created if it has none yet (a device asks before any event exists). */
    async accountKey(db: Queryable, accountId: string): Promise<Uint8Array> {
      const q = auditDb(db);
      return (
        (await store.key(q, accountId)) ?? store.ensureKey(q, accountId, randomBytes(KEY_BYTES), clock.now())
      );
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
