// Appending to the audit log inside the caller's transaction: the action and its record commit
// or roll back together ("no action without its record"). An append claims a seq of its own and writes only its event
// and leaf: appenders never wait for each other's commits. The checkpoint signer builds the tree over the dense
// committed prefix (audit.extend.ts), voiding the seqs of transactions that rolled back.
import { createHash, randomBytes } from 'node:crypto';
import { withinTransaction, type Queryable, type Tx } from '../adapters/db/database.ts';
import { AuditOwnerForgotten, type AuditEventRow } from '../adapters/db/audit-append.ts';
import { keyDigest } from '../adapters/db/audit-append-one.ts';
import type { Clock } from '../platform/clock.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import { AppError } from '../errors.ts';
import { auditDb } from './audit.db.ts';
import type { AuditInput } from './audit.kinds.ts';
import { encodeBody } from './audit.codec.ts';
import { kindCode } from './audit.kind-codes.ts';
import { KEY_BYTES, derivedSalt, eventText, makeLeaf } from './audit.leaf.ts';
import { SERVER_KEY_ID, createAuditStore, type AuditStore } from './audit.store.ts';
import { createDeferredAppends } from './audit.deferred.ts';
import { createOneTripAppends } from './audit.append-one.ts';
import type { TermNumbers } from './audit.codec.ts';
import { createTermDictionary, termValues } from './audit.terms.ts';

export interface AuditLogDeps {
  /** The claim (seq, key and their locks) and the writes; batching when the database has commit hooks. */
  features: Pick<DbFeatures, 'auditClaim' | 'auditClaimMany' | 'auditInsert'> &
    Partial<
      Pick<
        DbFeatures,
        'auditAppendOne' | 'auditAppendBatch' | 'beforeCommit' | 'afterCommit' | 'isUniqueViolation'
      >
    >;
  clock: Clock;
  store?: AuditStore;
}

/**
 * The stored row of `input` at `seq`: a packed body naming the owner's terms, no stored salt (derived from the key),
 * and its leaf.
 */
function eventRow(
  input: AuditInput,
  seq: number,
  at: number,
  owner: number,
  key: Buffer,
  terms: TermNumbers,
): AuditEventRow {
  const salt = derivedSalt(key, seq);
  return {
    seq,
    owner,
    kind: kindCode(input.kind),
    body: encodeBody(input.body, terms),
    salt: null,
    at,
    leaf: makeLeaf(key, seq, salt, eventText(seq, at, input)),
  };
}

/** Names an owner's key in the term cache without holding its bytes (a new key after a forget starts afresh). */
const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('base64').slice(0, 16);

export function createAuditLog({ features, clock, store = createAuditStore() }: AuditLogDeps) {
  const dictionary = createTermDictionary(features.afterCommit ? { afterCommit: features.afterCommit } : {});
  const noTerms: TermNumbers = new Map();
  const queues = new WeakMap<object, Promise<unknown>>();
  // The last seq each transaction claimed (its rows may still wait for commit).
  const claimed = new WeakMap<object, number>();

  /** A seq voided by the signer before our rows arrived (its claim lock was not held long enough): retryable. */
  function failed(err: unknown): unknown {
    if (!features.isUniqueViolation?.(err)) return err;
    return new AppError('unavailable', 'The audit log could not record this action in time; try again.');
  }

  /** A forgotten account's log is closed (migration 0026): its actions, if any still race in, find no account. */
  function closed(err: unknown): unknown {
    return err instanceof AuditOwnerForgotten ? new AppError('not_found', 'Account not found.') : err;
  }
  const orClosed = <T>(run: Promise<T>): Promise<T> =>
    run.catch((err: unknown) => {
      throw closed(err);
    });

  // A transaction's appends after its first are written together just before it commits (audit.deferred.ts).
  const deferred = createDeferredAppends(features, failed);
  // A transaction's first append, once its owner's key is known, is one round trip on PostgreSQL.
  const oneTrip = createOneTripAppends(features.auditAppendOne, dictionary, failed);

  async function recordNow(trx: Tx, input: AuditInput): Promise<{ seq: number }> {
    const at = clock.now();
    const owner = input.accountId ?? SERVER_KEY_ID;
    const before = claimed.get(trx);
    if (before === undefined) {
      const seq = await oneTrip.append(trx, input, at, owner);
      if (seq !== null) {
        claimed.set(trx, seq);
        return { seq };
      }
    }
    const claim = await features.auditClaim(trx, owner, randomBytes(KEY_BYTES), at, before ?? null);
    claimed.set(trx, claim.seq);
    const { seq } = claim;
    const claimKeyId = keyId(claim.key);
    oneTrip.remember(owner, { no: claim.owner, keyDigest: keyDigest(claim.key), keyId: claimKeyId });
    const terms =
      termValues(input.body).length === 0
        ? noTerms
        : await dictionary.numbers(trx, claim.owner, claimKeyId, [input.body]);
    const row = eventRow(input, seq, at, claim.owner, claim.key, terms);
    if (before !== undefined && (await deferred?.add(trx, row))) return { seq };
    try {
      await features.auditInsert(trx, row);
    } catch (err) {
      throw failed(err);
    }
    return { seq };
  }

  async function recordManyNow(trx: Tx, inputs: readonly AuditInput[]): Promise<{ seq: number }[]> {
    if (inputs.length === 0) return [];
    const at = clock.now();
    const candidates = new Map<string, Buffer>();
    for (const input of inputs) {
      const owner = input.accountId ?? SERVER_KEY_ID;
      if (!candidates.has(owner)) candidates.set(owner, randomBytes(KEY_BYTES));
    }
    const { seqs, keys, owners } = await features.auditClaimMany(
      trx,
      candidates,
      at,
      inputs.length,
      claimed.get(trx) ?? null,
    );
    const claimOf = (owner: string) => {
      const key = keys.get(owner);
      const no = owners.get(owner);
      if (!key || no === undefined) throw new Error(`no audit key claimed for ${owner}`);
      return { key, no };
    };
    const bodiesOf = new Map<string, AuditInput['body'][]>();
    for (const input of inputs) {
      const owner = input.accountId ?? SERVER_KEY_ID;
      const bodies = bodiesOf.get(owner);
      if (bodies) bodies.push(input.body);
      else bodiesOf.set(owner, [input.body]);
    }
    const termsOf = new Map<string, TermNumbers>();
    for (const [owner, bodies] of bodiesOf) {
      const { key, no } = claimOf(owner);
      termsOf.set(owner, await dictionary.numbers(trx, no, keyId(key), bodies));
    }
    const rows = inputs.map((input, i): AuditEventRow => {
      const owner = input.accountId ?? SERVER_KEY_ID;
      const { key, no } = claimOf(owner);
      return eventRow(input, seqs[i] ?? NaN, at, no, key, termsOf.get(owner) ?? noTerms);
    });
    claimed.set(trx, seqs[seqs.length - 1] ?? NaN);
    try {
      if (features.auditAppendBatch) await features.auditAppendBatch(trx, { events: rows });
      else for (const row of rows) await features.auditInsert(trx, row);
    } catch (err) {
      throw failed(err);
    }
    return seqs.map((seq) => ({ seq }));
  }

  /** Calls on one transaction run one after the other (one connection; SQLite numbers after the previous one). */
  function queued<T>(trx: Tx, what: string, run: () => Promise<T>): Promise<T> {
    if (!trx.isTransaction)
      throw new TypeError(`audit ${what}() needs the transaction of the action it records`);
    const next = (queues.get(trx) ?? Promise.resolve()).then(run);
    queues.set(
      trx,
      next.catch(() => undefined),
    );
    return next;
  }

  return {
    /**
     * Appends one event in `trx` and returns its sequence number (its leaf index). Call it last in the transaction:
     * on PostgreSQL it holds its seq's lock and a share lock on the owner's key row until commit. Do not roll back to
     * a savepoint taken before a record() and keep the transaction: the log would not notice. A transaction's
     * records after its first reach the tables only at commit (audit.deferred.ts): do not read them back before.
     * Seqs of one transaction increase but need not be consecutive.
     */
    async record(trx: Tx, input: AuditInput): Promise<{ seq: number }> {
      return orClosed(queued(trx, 'record', () => recordNow(trx, input)));
    },

    /**
     * Appends the events in `trx` as record() would one by one, in two round trips whatever their number: one claim
     * of all their seqs (and their owners' keys, created if missing) and one write of all their rows, at once (they
     * can be read back in the transaction). The seqs are returned in the order of `inputs` and increase, not
     * necessarily consecutively on PostgreSQL. The same rules as record(): last in the transaction, no rolling back
     * to a savepoint taken before it. On PostgreSQL each seq holds an advisory lock until the transaction ends (as
     * with record()), so keep a transaction to some thousands of events.
     */
    async recordMany(trx: Tx, inputs: readonly AuditInput[]): Promise<{ seq: number }[]> {
      return orClosed(queued(trx, 'recordMany', () => recordManyNow(trx, inputs)));
    },

    /** Destroys the account's key and blanks its events; its leaves stay in the tree, unopenable. */
    async forgetAccount(db: Queryable, accountId: string): Promise<void> {
      if (accountId === SERVER_KEY_ID) throw new RangeError('the server key cannot be forgotten');
      oneTrip.forget(accountId);
      await store.forget(auditDb(db), accountId);
    },

    /** The account's key, created if it has none yet (a device asks before any event exists). */
    async accountKey(db: Queryable, accountId: string): Promise<Uint8Array> {
      const found = await store.key(auditDb(db), accountId);
      if (found) return found;
      // The owner row and its key commit together: an owner row alone would read as a forgotten account.
      const ensure = (trx: Queryable) =>
        store.ensureKey(auditDb(trx), accountId, randomBytes(KEY_BYTES), clock.now());
      return orClosed(withinTransaction(db, ensure));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
