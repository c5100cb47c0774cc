// Appending to the audit log inside the caller's transaction: the action and its record commit
// or roll back together ("no action without its record").
import { randomBytes } from 'node:crypto';
import { Frontier, leafHash } from '@shoebox/shared/merkle/index';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import { auditDb, auditTx, type AuditDb } from './audit.db.ts';
import type { AuditInput } from './audit.kinds.ts';
import { KEY_BYTES, SALT_BYTES, asBuffer, eventText, makeLeaf } from './audit.leaf.ts';
import { SERVER_KEY_ID, createAuditStore, type AuditStore } from './audit.store.ts';
import { STORED_LEVEL, loadFrontier, nodeRowId } from './audit.tree.ts';
import { createDeferredAppends } from './audit.deferred.ts';
import { createTurns } from './audit.turns.ts';

export interface AuditLogDeps {
  /** The guarded append (one round trip on PostgreSQL), which also orders appends across transactions and instances. */
  features: Pick<DbFeatures, 'auditAppend' | 'auditSequenceLock'> &
    Partial<Pick<DbFeatures, 'auditAppendBatch' | 'beforeCommit'>>;
  clock: Clock;
  store?: AuditStore;
}

/** Per-transaction state: the tree edge after this transaction's own appends, and the leaf it ends with. */
interface TrxState {
  frontier: Frontier;
  lastLeaf: Buffer | null;
}

/** Keys remembered by this process (each append checks its key is still stored: a forgotten one is noticed). */
const KEY_CACHE = 10_000;

export function createAuditLog({ features, clock, store = createAuditStore() }: AuditLogDeps) {
  const states = new WeakMap<object, TrxState>();
  const queues = new WeakMap<object, Promise<unknown>>();
  // Edge of the tree after the last append in this process: the guess the next transaction builds on, so a steady
  // appender reads nothing before writing. The guarded append checks it against the database under the lock (another
  // instance or a rollback may have moved on) and a miss reloads it.
  let cached: TrxState | undefined;
  const keys = new Map<string, Buffer>();
  const firstAppends = createTurns();
  // A transaction's appends after its first are written together just before it commits (audit.deferred.ts).
  const deferred = createDeferredAppends(features, () => {
    cached = undefined;
    keys.clear();
  });

  async function load(db: AuditDb): Promise<TrxState> {
    const last = await store.lastLeaf(db);
    const frontier = await loadFrontier(db, last ? last.seq + 1 : 0);
    return { frontier, lastLeaf: last ? asBuffer(last.leaf) : null };
  }

  async function keyOf(trx: Tx, owner: string, now: number): Promise<Buffer> {
    const cachedKey = keys.get(owner);
    if (cachedKey) return cachedKey;
    // Lock first, as every writer of audit rows does: creating a key under someone else's nose and then queueing
    // for the lock they hold while they wait for our key row would deadlock.
    await features.auditSequenceLock(trx);
    const db = auditTx(trx);
    let key = await store.key(db, owner);
    key ??= await store.ensureKey(db, owner, randomBytes(KEY_BYTES), now);
    if (keys.size >= KEY_CACHE) keys.clear();
    keys.set(owner, asBuffer(key));
    return asBuffer(key);
  }

  /**
   * One try: false when the log's end or the key was not what we built on (nothing was written). `exact`: this
   * transaction appended before, so it holds the lock and `state` is the log's true end: the rows may wait for commit.
   */
  async function attempt(
    trx: Tx,
    state: TrxState,
    input: AuditInput,
    exact: boolean,
  ): Promise<TrxState | undefined> {
    const seq = state.frontier.size;
    const at = clock.now();
    const event = eventText(seq, at, input);
    const owner = input.accountId ?? SERVER_KEY_ID;
    const key = await keyOf(trx, owner, at);
    const salt = randomBytes(SALT_BYTES);
    const leaf = makeLeaf(key, seq, salt, event);
    // A copy: the write may be refused, and the transaction may still roll back.
    const frontier = Frontier.fromHashes(state.frontier.size, state.frontier.hashes);
    const nodes = frontier
      .append(leafHash(leaf))
      .filter((n) => n.level >= STORED_LEVEL)
      .map((n) => ({ id: nodeRowId(n.level, n.index), hash: asBuffer(n.hash) }));
    const row = { seq, accountId: input.accountId, kind: input.kind, body: event, salt, at, leaf };
    if (exact && state.lastLeaf && (await deferred?.add(trx, state.lastLeaf, owner, key, row, nodes)))
      return { frontier, lastLeaf: leaf };
    const written = await features.auditAppend(trx, { ...row, prevLeaf: state.lastLeaf, owner, key, nodes });
    if (!written) keys.delete(owner);
    return written ? { frontier, lastLeaf: leaf } : undefined;
  }

  async function recordNow(trx: Tx, input: AuditInput): Promise<{ seq: number }> {
    try {
      const own = states.get(trx);
      const through = own ? undefined : await firstAppends.take();
      let next: TrxState | undefined;
      try {
        let state = own ?? cached ?? (await load(auditTx(trx)));
        next = await attempt(trx, state, input, own !== undefined);
        if (!next) {
          // The guess was stale. The refused write took the lock (PostgreSQL), so this reload sees the true end.
          state = await load(auditTx(trx));
          next = await attempt(trx, state, input, false);
        }
        if (next) cached = next;
      } finally {
        through?.();
      }
      if (!next) throw new Error('audit append refused twice: the log or the key changed under the lock');
      states.set(trx, next);
      return { seq: next.frontier.size - 1 };
    } catch (err) {
      // A failed insert leaves our guesses ahead of the database: start over on the next call.
      states.delete(trx);
      cached = undefined;
      throw err;
    }
  }

  return {
    /**
     * Appends one event in `trx` and returns its sequence number (its leaf index). Call it last
     * in the transaction: on PostgreSQL it holds the log's lock until commit. Do not roll back to
     * a savepoint taken before a record() and keep the transaction: the log would not notice. A transaction's
     * records after its first reach the tables only at commit (audit.deferred.ts): do not read them back before.
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
      keys.delete(accountId);
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
