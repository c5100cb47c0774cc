import type { ColumnDefinitionBuilder } from 'kysely';
import type { DialectName } from '../database.ts';

/** The handful of column types that differ between SQLite and PostgreSQL. */
export function columnTypes(dialect: DialectName) {
  const pg = dialect === 'postgres';
  return {
    time: pg ? ('bigint' as const) : ('integer' as const),
    bigint: pg ? ('bigint' as const) : ('integer' as const),
    double: pg ? ('double precision' as const) : ('real' as const),
    serial: pg ? ('bigserial' as const) : ('integer' as const),
    serialConstraint: (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
  };
}
