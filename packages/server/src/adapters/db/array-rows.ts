// Reading many rows as arrays instead of objects. A row object costs one property per column: for explain's
// 100,000 photos that is a million properties built and dropped, a fifth of the report's time on SQLite.
import type { Compilable, CompiledQuery } from 'kysely';
import type { Queryable } from './database.ts';

/**
 * Marks a statement whose rows SQLite should return as arrays (withStatementCache, database.ts). A comment, so
 * PostgreSQL runs the same text; its rows come back as objects and are turned into arrays here.
 */
export const ARRAY_ROWS_MARK = '/* rows as arrays */ ';

/** The query's rows, each as the array of its selected columns in order (their names must differ). */
export async function selectArrays<Row extends Record<string, unknown>>(
  db: Queryable,
  query: Compilable<Row>,
): Promise<unknown[][]> {
  const compiled = query.compile();
  const marked: CompiledQuery<Row> = { ...compiled, sql: ARRAY_ROWS_MARK + compiled.sql };
  const { rows } = await db.executeQuery<unknown>(marked);
  return rows.map((row) => (Array.isArray(row) ? (row as unknown[]) : Object.values(row as Row)));
}
