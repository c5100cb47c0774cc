import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { appendOneFunction } from '../audit-append-one.ts';

/**
 * audit_append_one() as it is now: it takes a digest of the owner's key and makes HMAC's pads from the stored key,
 * so the key never travels as a bind parameter. A database that ran migration 0027 while it still created the first
 * version (ten arguments: the key and both pads sent by the appender, commit c47245b) keeps that one, which no
 * longer matches the appender's call: it is dropped here and the current one created. Elsewhere 0027 already
 * created the current one, and this replaces it with the same.
 */
export function auditAppendOneDigestMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql
        .raw(
          `drop function if exists audit_append_one(text, integer, bytea, bytea, bytea, bigint, smallint, bytea, bytea,
  bytea);
${appendOneFunction}`,
        )
        .execute(db);
    },
  };
}
