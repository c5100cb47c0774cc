import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Dialect,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';
import { migrateToLatest } from './migrate.ts';
import { dbFeatures, type DbFeatures } from './features.ts';
import { withCommitHooks } from './commit-hooks.ts';
import { createLocalBus, createPostgresBus, type ClusterBus } from './cluster-bus.ts';
import { postgresSnapshotReader, sqliteSnapshotReader, type ReadSnapshot } from './snapshot-reader.ts';
import { withSqliteGroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';
import { ARRAY_ROWS_MARK } from './array-rows.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: stores accept both. */
export type Queryable = Db | Tx;
export type DialectName = 'sqlite' | 'postgres';
export type { ClusterBus } from './cluster-bus.ts';
export type { ReadSnapshot } from './snapshot-reader.ts';

export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly features: DbFeatures;
  /** A human-readable location for logs, without credentials. */
  readonly location: string;
  /** Opens the instance-to-instance message bus that belongs to this database. */
  openBus(): Promise<ClusterBus>;
  /** Runs a long read in one point in time without holding up writers (snapshot-reader.ts). */
  readonly readSnapshot: ReadSnapshot;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url: string;
  /** PostgreSQL only: run in this schema (tests use one schema per test file). */
  schema?: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /**
   * SQLite files only: commit transactions that queue for the one connection together, one WAL flush per group
   * (sqlite-group-commit.ts). Default on unless SHOEBOX_SQLITE_GROUP_COMMIT=off; false turns it off.
   */
  groupCommit?: boolean | GroupCommitOptions;
}

// int8 (bigint) columns hold millisecond times and row ids, all far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** Opens SQLite (a file path, `sqlite:` or `file:` URL, or `:memory:`) or PostgreSQL (`postgres://`). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const handle = isPostgresUrl(options.url)
    ? await openPostgres(options)
    : openSqlite(options.url, options.groupCommit ?? process.env['SHOEBOX_SQLITE_GROUP_COMMIT'] !== 'off');
  if (options.migrate ?? true)
    await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect, options.schema);
  return handle;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

function openSqlite(url: string, groupCommit: boolean | GroupCommitOptions): DatabaseHandle {
  const file = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  // FULL: an acknowledged upload must survive power loss, not just a process crash.
  native.pragma('synchronous = FULL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  let dialect: Dialect = new SqliteDialect({ database: withStatementCache(native, STATEMENT_CACHE_SIZE) });
  // In memory there is no flush to share: transactions commit one by one as they always did.
  if (groupCommit !== false && file !== ':memory:' && file !== '')
    dialect = withSqliteGroupCommit(
      dialect,
      () => native.inTransaction,
      groupCommit === true ? {} : groupCommit,
    );
  // Commit hooks wrap group commit: they run at the end of each transaction, before its savepoint is released.
  const db = new Kysely<Database>({ dialect: withCommitHooks(dialect) });
  const snapshots = sqliteSnapshotReader(file, db);
  return {
    db,
    dialect: 'sqlite',
    features: dbFeatures('sqlite'),
    location: file,
    openBus: () => Promise.resolve(createLocalBus()),
    readSnapshot: snapshots.readSnapshot,
    close: async () => {
      await snapshots.close();
      await db.destroy();
    },
  };
}

/** Distinct SQL texts whose prepared statements are kept: the app's queries are a few hundred. */
const STATEMENT_CACHE_SIZE = 500;
/** Longer SQL (bulk inserts, long IN lists) varies with its row count and costs more to run than to prepare. */
const CACHED_SQL_MAX_LENGTH = 4096;

/**
 * Kysely's SQLite driver prepares every query again; compiling the statement cost more than running a small query
 * (it was the top entry of a profile of a one-photo page). This keeps better-sqlite3's statements by SQL text, least
 * recently used first out.
 */
export function withStatementCache(native: SQLite.Database, size: number): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => native.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      // A statement still stepping through rows (a streamed query) cannot run again until it is done.
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = native.prepare(sql);
      if (sql.startsWith(ARRAY_ROWS_MARK)) statement.raw(true);
      if (cached || sql.length > CACHED_SQL_MAX_LENGTH) return statement;
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

async function openPostgres(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`Bad schema name ${options.schema}`);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  }
  const db = new Kysely<Database>({ dialect: withCommitHooks(new PostgresDialect({ pool })) });
  const location = new URL(options.url).host + new URL(options.url).pathname;
  // One channel per schema, so databases sharing a server (tests) do not hear each other.
  const channel = `shoebox_${options.schema ?? 'public'}`;
  return {
    db,
    dialect: 'postgres',
    features: dbFeatures('postgres'),
    location,
    openBus: () => createPostgresBus(options.url, channel),
    readSnapshot: postgresSnapshotReader(db).readSnapshot,
    close: () => db.destroy(),
  };
}

/** Current time according to the database is not used: the server clock is the single source of time. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Runs `body` in `q` when it already is a transaction, else in a new one: Kysely has no nested transactions, and a
 * caller's transaction must keep the body's writes (and locks) with its own.
 */
export function withinTransaction<DB, T>(q: Kysely<DB>, body: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return q.isTransaction ? body(q) : q.transaction().execute(body);
}
