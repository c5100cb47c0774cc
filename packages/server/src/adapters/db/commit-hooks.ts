// Work that must run inside a transaction just before it commits (the audit log's deferred, batched writes), and
// work that may only happen once it committed (remembering rows it wrote: the audit terms cache). Kysely has no such
// hooks, so the dialect's driver is wrapped: commitTransaction first runs what was registered on that connection (a
// hook that throws makes Kysely roll the transaction back instead), commits, then runs the after-commit hooks. Hooks
// are dropped on rollback.
import type { DatabaseConnection, Dialect, Driver, Kysely, QueryCompiler, TransactionSettings } from 'kysely';
import type { Tx } from './database.ts';

export type CommitHook = () => Promise<void>;
export type AfterCommitHook = () => void;

/** Connections of wrapped drivers, with the hooks of their open transaction (empty when none). */
const pending = new WeakMap<DatabaseConnection, CommitHook[]>();
const committed = new WeakMap<DatabaseConnection, AfterCommitHook[]>();

async function connectionOf(trx: Tx): Promise<DatabaseConnection> {
  // The transaction's executor hands out its one connection without a round trip.
  return trx.getExecutor().provideConnection((c) => Promise.resolve(c));
}

/**
 * Runs `hook` in `trx` right before it commits, after every hook registered before it. False (nothing registered)
 * when the transaction's driver was not wrapped by withCommitHooks: the caller must then write at once.
 */
export async function beforeCommit(trx: Tx, hook: CommitHook): Promise<boolean> {
  if (!trx.isTransaction) throw new TypeError('beforeCommit needs a transaction');
  const hooks = pending.get(await connectionOf(trx));
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/**
 * Runs `hook` once `trx` committed (never if it rolls back). It must not throw: the transaction is over. False
 * (nothing registered) when the transaction's driver was not wrapped by withCommitHooks.
 */
export async function afterCommit(trx: Tx, hook: AfterCommitHook): Promise<boolean> {
  if (!trx.isTransaction) throw new TypeError('afterCommit needs a transaction');
  const hooks = committed.get(await connectionOf(trx));
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/** The same dialect, with a driver that runs beforeCommit hooks. */
export function withCommitHooks(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => dialect.createIntrospector(db),
    createDriver: () => hookingDriver(dialect.createDriver()),
  };
}

type Compile = QueryCompiler['compileQuery'];

function hookingDriver(inner: Driver): Driver {
  return {
    init: () => inner.init(),
    destroy: () => inner.destroy(),
    async acquireConnection() {
      const connection = await inner.acquireConnection();
      if (!pending.has(connection)) pending.set(connection, []);
      if (!committed.has(connection)) committed.set(connection, []);
      return connection;
    },
    releaseConnection: (connection) => inner.releaseConnection(connection),
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
      pending.set(connection, []);
      committed.set(connection, []);
      await inner.beginTransaction(connection, settings);
    },
    async commitTransaction(connection: DatabaseConnection) {
      const hooks = pending.get(connection) ?? [];
      // A hook may register another (it runs after): take them off one at a time.
      for (let hook = hooks.shift(); hook; hook = hooks.shift()) await hook();
      const after = committed.get(connection) ?? [];
      committed.set(connection, []);
      await inner.commitTransaction(connection);
      for (const hook of after) hook();
    },
    async rollbackTransaction(connection: DatabaseConnection) {
      pending.set(connection, []);
      committed.set(connection, []);
      await inner.rollbackTransaction(connection);
    },
    savepoint(connection: DatabaseConnection, name: string, compile: Compile) {
      if (!inner.savepoint) throw new Error('savepoints are not supported by this driver');
      return inner.savepoint(connection, name, compile);
    },
    rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Compile) {
      if (!inner.rollbackToSavepoint) throw new Error('savepoints are not supported by this driver');
      return inner.rollbackToSavepoint(connection, name, compile);
    },
    releaseSavepoint(connection: DatabaseConnection, name: string, compile: Compile) {
      if (!inner.releaseSavepoint) throw new Error('savepoints are not supported by this driver');
      return inner.releaseSavepoint(connection, name, compile);
    },
  };
}
