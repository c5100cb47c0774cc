// Group commit for SQLite. With one writer connection every transaction pays its own WAL fsync at COMMIT, which caps
// one-commit-per-action work (audit events) at the disk's flush rate. This driver wraps Kysely's SqliteDriver: when
// transactions queue for the one connection, they run back to back inside one real SQLite transaction, each in its
// own SAVEPOINT (a failing one is rolled back alone: ROLLBACK TO + RELEASE), and one real COMMIT makes the group
// durable. A transaction's commit resolves only after that real COMMIT succeeded; a failed real COMMIT rejects every
// transaction of the group.
//
// Rules that keep this invisible to callers:
// - Only transactions join a group. Before the connection goes to anything else (a plain query, a stream, a
//   transaction with an access mode or isolation level, which asks for a view of committed data), the group commits.
// - With no one waiting for the connection a transaction commits at once (no added latency); a group also commits
//   once it holds maxTransactions or is maxWaitMs old (checked at each transaction boundary: a group cannot commit
//   in the middle of a member, so a commit may wait up to maxWaitMs plus the body of the transaction then running).
// - The first transaction of a group runs under a plain BEGIN (exactly as without grouping: a lone transaction sends
//   BEGIN ... COMMIT or ROLLBACK); the group only exists once it committed while others were waiting.
// - Commit hooks (commit-hooks.ts wraps this driver) run at the end of each transaction, before its savepoint is
//   released, so a throwing hook rolls back that transaction alone.
// - If SQLite itself ends the real transaction after an error (it does for a full disk, I/O errors, OR ROLLBACK
//   conflicts), the whole group is lost: its waiting transactions are rejected.
// - Deferred foreign keys are checked by the real COMMIT only (releasing a savepoint does not), so a violation fails
//   the whole group. The schema declares none (all its foreign keys are immediate).
//
// Kysely releases a connection only after commitTransaction returns, so a transaction whose commit waits for its
// group hands the connection on itself; each acquisition gets its own connection object (a lease) so the late
// release of a handed-on lease is recognised and ignored.
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export interface GroupCommitOptions {
  /** Most transactions made durable by one real COMMIT (default 64). */
  maxTransactions?: number;
  /** A group older than this (ms since its first transaction finished) commits at the next boundary (default 10). */
  maxWaitMs?: number;
  /** Counted into, if given (benchmarks). */
  stats?: GroupCommitStats;
}

export interface GroupCommitStats {
  /** Real COMMITs sent, and transactions they made durable. */
  commits: number;
  transactions: number;
}

/** Savepoint of the group member in progress: members run one after the other, so one name serves them all. */
const SAVEPOINT = 'shoebox_group_member';

type Compile = QueryCompiler['compileQuery'];

/**
 * The same SQLite dialect, committing queued transactions in groups. `inTransaction` tells whether the native
 * connection is inside a transaction (better-sqlite3's `inTransaction`): after an error SQLite may have ended it.
 */
export function withSqliteGroupCommit(
  dialect: Dialect,
  inTransaction: () => boolean,
  options: GroupCommitOptions = {},
): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => dialect.createIntrospector(db),
    createDriver: () => new GroupCommitDriver(dialect.createDriver(), inTransaction, options),
  };
}

interface Member {
  resolve(): void;
  reject(err: unknown): void;
}

interface Group {
  members: Member[];
  openedAt: number;
}

/** The transaction a lease has open: `savepoint` when it joined a group, `standalone` when it must not. */
interface OpenTransaction {
  savepoint: boolean;
  standalone: boolean;
}

class Lease implements DatabaseConnection {
  released = false;
  txn: OpenTransaction | undefined;
  constructor(private readonly driver: GroupCommitDriver) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, query);
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream<R>(this, query, chunkSize);
  }
}

class GroupCommitDriver implements Driver {
  readonly #inner: Driver;
  readonly #inTransaction: () => boolean;
  readonly #maxTransactions: number;
  readonly #maxWaitMs: number;
  readonly #stats: GroupCommitStats | undefined;
  #connection: DatabaseConnection | undefined;
  #holder: Lease | undefined;
  readonly #waiters: { lease: Lease; resume: () => void }[] = [];
  #group: Group | undefined;

  constructor(inner: Driver, inTransaction: () => boolean, options: GroupCommitOptions) {
    this.#inner = inner;
    this.#inTransaction = inTransaction;
    this.#maxTransactions = options.maxTransactions ?? 64;
    this.#maxWaitMs = options.maxWaitMs ?? 10;
    this.#stats = options.stats;
  }

  async init(): Promise<void> {
    await this.#inner.init();
    // The inner driver's one connection is ours for good: this driver queues its users itself.
    this.#connection = await this.#inner.acquireConnection();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const lease = new Lease(this);
    await this.#take(lease);
    return lease;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    // A transaction that waits for its group handed the connection on already.
    if (this.#holder !== lease) return;
    if (this.#group && (this.#waiters.length === 0 || this.#full(this.#group))) await this.#commitGroup();
    this.#handOn();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const lease = await this.#own(connection);
    // Settings ask for a view of committed data (the sync feed's repeatable read): such a transaction runs alone.
    const standalone = settings.accessMode !== undefined || settings.isolationLevel !== undefined;
    if (this.#group && (standalone || this.#full(this.#group))) await this.#commitGroup();
    const savepoint = this.#group !== undefined;
    await this.#run(savepoint ? `savepoint ${SAVEPOINT}` : 'begin');
    lease.txn = { savepoint, standalone };
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = await this.#own(connection);
    const txn = lease.txn;
    if (!txn) throw new Error('commit without a transaction');
    // If this fails the transaction is still open: Kysely rolls it back (rollbackTransaction).
    if (txn.savepoint) await this.#run(`release ${SAVEPOINT}`);
    lease.txn = undefined;
    const group = (this.#group ??= { members: [], openedAt: performance.now() });
    const durable = new Promise<void>((resolve, reject) => group.members.push({ resolve, reject }));
    // Awaited below by Kysely; this only keeps an early rejection from counting as unhandled meanwhile.
    durable.catch(() => undefined);
    if (txn.standalone || this.#waiters.length === 0 || this.#full(group)) {
      await this.#commitGroup();
    } else {
      // Others are waiting: let them run inside the same real transaction, and commit with them.
      this.#handOn();
    }
    return durable;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const txn = (connection as Lease).txn;
    // Already ended: its commit failed with its group (which rolled back) after its savepoint was released.
    if (!txn) return;
    const lease = await this.#own(connection);
    lease.txn = undefined;
    // The first transaction of a group-to-be has no savepoint: no one else is in the real transaction yet.
    if (!txn.savepoint) return void (await this.#run('rollback'));
    if (this.#inTransaction()) {
      await this.#run(`rollback to ${SAVEPOINT}`);
      await this.#run(`release ${SAVEPOINT}`);
      return;
    }
    // SQLite rolled back the whole real transaction itself: the group's earlier transactions are gone too.
    const group = this.#group;
    this.#group = undefined;
    const lost = new Error('SQLite rolled back the group of transactions this one was committed with');
    for (const member of group?.members ?? []) member.reject(lost);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await this.#own(connection);
    return this.#inner.savepoint?.(this.#conn(), name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await this.#own(connection);
    return this.#inner.rollbackToSavepoint?.(this.#conn(), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await this.#own(connection);
    return this.#inner.releaseSavepoint?.(this.#conn(), name, compile);
  }

  async destroy(): Promise<void> {
    if (this.#connection) {
      // Wait for the connection like anyone else, so transactions in flight end and their group commits.
      const lease = new Lease(this);
      await this.#take(lease);
      if (this.#group) await this.#commitGroup();
      await this.#inner.releaseConnection(this.#connection);
      this.#connection = undefined;
    }
    await this.#inner.destroy();
  }

  async execute<R>(lease: Lease, query: CompiledQuery): Promise<QueryResult<R>> {
    await this.#own(lease);
    // Anything but a transaction sees committed data only.
    if (this.#group && !lease.txn) await this.#commitGroup();
    return this.#conn().executeQuery<R>(query);
  }

  async *stream<R>(
    lease: Lease,
    query: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    await this.#own(lease);
    if (this.#group && !lease.txn) await this.#commitGroup();
    yield* this.#conn().streamQuery<R>(query, chunkSize);
  }

  #conn(): DatabaseConnection {
    if (!this.#connection) throw new Error('driver has not been initialized');
    return this.#connection;
  }

  #run(sqlText: string): Promise<QueryResult<unknown>> {
    return this.#conn().executeQuery(CompiledQuery.raw(sqlText));
  }

  #full(group: Group): boolean {
    return (
      group.members.length >= this.#maxTransactions || performance.now() - group.openedAt >= this.#maxWaitMs
    );
  }

  /** Waits for the connection in arrival order. */
  async #take(lease: Lease): Promise<void> {
    if (!this.#holder && this.#waiters.length === 0) {
      this.#holder = lease;
      return;
    }
    await new Promise<void>((resume) => this.#waiters.push({ lease, resume }));
  }

  /**
   * The lease, once it holds the connection. A lease whose transaction handed the connection on while waiting for
   * its group queues again if used afterwards (a transaction begun inside `db.connection()`, which goes on).
   */
  async #own(connection: DatabaseConnection): Promise<Lease> {
    const lease = connection as Lease;
    if (this.#holder === lease) return lease;
    if (lease.released) throw new Error('the connection was already released');
    await this.#take(lease);
    return lease;
  }

  #handOn(): void {
    const next = this.#waiters.shift();
    this.#holder = next?.lease;
    next?.resume();
  }

  /** The real COMMIT of the open group, by the connection's holder; rejects the members if it fails. */
  async #commitGroup(): Promise<void> {
    const group = this.#group;
    if (!group) return;
    this.#group = undefined;
    try {
      await this.#run('commit');
    } catch (err) {
      // A deferred foreign key failing leaves the transaction open; an I/O error may already have ended it.
      if (this.#inTransaction()) await this.#run('rollback').catch(() => undefined);
      for (const member of group.members) member.reject(err);
      return;
    }
    if (this.#stats) {
      this.#stats.commits++;
      this.#stats.transactions += group.members.length;
    }
    // In order: callers go on in the order their transactions ran.
    for (const member of group.members) member.resolve();
  }
}
