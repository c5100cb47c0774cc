import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from './database.ts';

/** Rows per INSERT: PostgreSQL takes at most 65535 parameters per statement. */
const MAX_PARAMETERS = 60_000;

/**
 * Copies every row of every table from a SQLite database into an empty PostgreSQL one migrated to the same
 * version, in one transaction (a failure leaves the target empty), parents before children, ids kept, and
 * sequences moved past every id ever handed out (so change-feed ids, which devices hold, are never reused).
 * Returns the rows copied per table.
 */
export async function copySqliteToPostgres(
  source: DatabaseHandle,
  target: DatabaseHandle,
): Promise<Record<string, number>> {
  if (source.dialect !== 'sqlite' || target.dialect !== 'postgres')
    throw new Error('Copies a SQLite database into PostgreSQL only');
  const from = source.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const to = target.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  // Views (the audit log's, migration 0029) hold no rows of their own.
  const tables = (await from.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name);
  // The target's own schema only: Kysely's introspection lists every schema's tables, and fails when another
  // schema of the database is dropped meanwhile.
  const { rows: targetRows } = await sql<{
    name: string;
  }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(to);
  const targetTables = new Set(targetRows.map((t) => t.name));
  const missing = tables.filter((t) => !targetTables.has(t));
  if (missing.length > 0)
    throw new Error(`The target lacks tables ${missing.join(', ')}: migrate both first`);
  for (const table of tables) {
    const row = await to
      .selectFrom(table)
      .select(sql<number>`1`.as('one'))
      .limit(1)
      .executeTakeFirst();
    if (row) throw new Error(`The target database is not empty (table ${table} has rows)`);
  }

  const order = await parentsFirst(to, tables);
  const counts: Record<string, number> = {};
  await to.transaction().execute(async (tx) => {
    for (const table of order) {
      let batch: Record<string, unknown>[] = [];
      let count = 0;
      const flush = async () => {
        if (batch.length > 0) await tx.insertInto(table).values(batch).execute();
        count += batch.length;
        batch = [];
      };
      for await (const row of from.selectFrom(table).selectAll().stream(1000)) {
        batch.push(row);
        if (batch.length * Object.keys(row).length >= MAX_PARAMETERS) await flush();
      }
      await flush();
      counts[table] = count;
    }
    await moveSequences(tx, await sqliteSequences(from));
  });
  return counts;
}

/** Row counts per table, to compare source and target after a copy. */
export async function countRows(database: DatabaseHandle, tables: string[]): Promise<Record<string, number>> {
  const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select(sql<string | number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** Tables ordered so that every foreign key's parent comes before its child. */
async function parentsFirst(pgDb: Kysely<Record<string, Record<string, unknown>>>, tables: string[]) {
  const edges = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class p on p.oid = k.confrelid
    where k.contype = 'f' and k.connamespace = current_schema()::regnamespace`.execute(pgDb);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges.rows) if (child !== parent) parents.get(child)?.add(parent);
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const parent of parents.get(table) ?? []) visit(parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

async function sqliteSequences(db: Kysely<Record<string, Record<string, unknown>>>) {
  const exists = await sql<{ n: number }>`
    select count(*) as n from sqlite_master where type = 'table' and name = 'sqlite_sequence'`.execute(db);
  if (!exists.rows[0]?.n) return new Map<string, number>();
  const rows = await sql<{ name: string; seq: number }>`select name, seq from sqlite_sequence`.execute(db);
  return new Map(rows.rows.map((r) => [r.name, Number(r.seq)]));
}

async function moveSequences(
  tx: Kysely<Record<string, Record<string, unknown>>>,
  handedOut: Map<string, number>,
): Promise<void> {
  const serials = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(tx);
  for (const { table_name: table, column_name: column } of serials.rows) {
    await sql`
      select setval(
        pg_get_serial_sequence(${sql.lit(quoteIdent(table))}, ${sql.lit(column)}),
        greatest(coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0), ${sql.lit(handedOut.get(table) ?? 0)}) + 1,
        false)`.execute(tx);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
