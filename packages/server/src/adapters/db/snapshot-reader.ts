// One point in time of the database, read while writers go on: what a long read (the full audit verification)
// needs. PostgreSQL: a read-only repeatable-read transaction from the pool. SQLite: a read transaction on a second,
// read-only connection to the same file; in WAL mode it sees the database as of its first read while the single
// writer connection keeps committing (on the writer itself it would hold every other query back until it ended).
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Db, Queryable } from './database.ts';
import type { Database } from './schema.ts';

/** Runs `read` in one consistent snapshot; `read` must not write. */
export type ReadSnapshot = <T>(read: (q: Queryable) => Promise<T>) => Promise<T>;

export interface SnapshotReader {
  readSnapshot: ReadSnapshot;
  close(): Promise<void>;
}

export function postgresSnapshotReader(db: Db): SnapshotReader {
  return {
    readSnapshot: (read) =>
      db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read),
    close: () => Promise.resolve(),
  };
}

/** `file` is the writer's database file; an in-memory database has no second connection and reads on `db`. */
export function sqliteSnapshotReader(file: string, db: Db): SnapshotReader {
  if (file === ':memory:' || file === '') {
    return { readSnapshot: (read) => db.transaction().execute(read), close: () => Promise.resolve() };
  }
  let reader: Kysely<Database> | undefined;
  const open = (): Kysely<Database> => {
    const native = new SQLite(file, { readonly: true, fileMustExist: true });
    native.pragma('busy_timeout = 5000');
    // No statement cache: a page of the check is three queries over thousands of rows.
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
  };
  return {
    // BEGIN is deferred: the snapshot starts at the first read inside `read`.
    readSnapshot: (read) => (reader ??= open()).transaction().execute(read),
    close: async () => {
      await reader?.destroy();
      reader = undefined;
    },
  };
}
