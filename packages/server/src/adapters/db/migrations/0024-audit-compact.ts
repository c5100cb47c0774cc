import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { AUDIT_SEQ_SEQUENCE } from '../audit-append.ts';
import { auditClaimFunctions } from './0024-audit-claim-functions.ts';

/**
 * Event kinds by stored code as of this migration (code 0 is a voided seq). audit/audit.kind-codes.ts extends this
 * list; it may only ever be appended to, since stored rows name their kind by index.
 */
export const KIND_NAMES_0024 = [
  'audit.void',
  'sign-in.succeeded',
  'sign-in.failed',
  'enrolment.requested',
  'enrolment.approved',
  'enrolment.denied',
  'enrolment.expired',
  'enrolment.failed',
  'device.removed',
  'device.credential-issued',
  'session.started',
  'session.ended',
  'reauth.succeeded',
  'reauth.failed',
  'password.changed',
  'account.email-changed',
  'factor.added',
  'factor.removed',
  'recovery-code.used',
  'photo.uploaded',
  'photo.trashed',
  'photo.restored',
  'photo.deleted',
  'album.share-granted',
  'album.share-revoked',
  'sync.delivered',
  'fleet.imported',
  'account.role-changed',
  'account.disabled',
  'account.enabled',
  'account.deleted',
  'invite.revoked',
  'staff.accessed',
  'audit.alarm',
  'audit.halt-cleared',
] as const;

/** The kind code of a row whose stored kind name no release wrote (a tampered row stays detectable). */
export const UNKNOWN_KIND_CODE = 32767;

/**
 * Compact audit events (issue 5: storage per entry). The text columns go:
 *
 * - account_id → owner, a number from audit_owners (one row per account that ever had a key; never deleted, so a
 *   forgotten account's tombstones still name their owner);
 * - kind → a small integer (KIND_NAMES_0024 and its extensions);
 * - body → bytes: the first byte says how. Existing rows are kept verbatim (0x02: the whole committed event text, so
 *   nothing is rewritten and a tampered row stays tampered); new rows store only the body, packed
 *   (audit/audit.codec.ts), and the committed text is rebuilt from seq, kind, created_at and the body;
 * - salt: NULL on new rows, where it is derived from the account's key (audit/audit.leaf.ts derivedSalt);
 * - two text indexes → one integer index (owner, kind, seq) and one (owner, seq).
 *
 * The PostgreSQL claim functions now also return the owner's number (0024-audit-claim-functions.ts).
 */
/**
 * The server's own entries had no account_id: their key is audit_keys' 'server' row (audit/audit.store.ts
 * SERVER_KEY_ID), and now they name that owner like any other.
 */
const serverOwner = sql`select no from audit_owners where account_id = 'server'`;

export function auditCompactMigration(dialect: DialectName): Migration {
  const pg = dialect === 'postgres';
  const bytes = pg ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_owners')
        .addColumn('no', pg ? 'serial' : 'integer', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().unique())
        .execute();
      await sql`insert into audit_owners (account_id)
        select account_id from audit_keys
        union select account_id from audit_events where account_id is not null
        order by 1`.execute(db);
      await db.schema
        .createTable('audit_events_compact')
        .addColumn('seq', pg ? 'bigint' : 'integer', (c) => c.primaryKey())
        .addColumn('created_at', pg ? 'bigint' : 'integer', (c) => c.notNull())
        .addColumn('owner', 'integer')
        .addColumn('kind', pg ? 'smallint' : 'integer')
        .addColumn('body', bytes)
        .addColumn('salt', bytes)
        .execute();
      const kindCase = sql.join(
        KIND_NAMES_0024.map((name, code) => sql`when ${sql.lit(name)} then ${sql.lit(code)}`),
        sql` `,
      );
      // SQLite's || makes text; the cast turns it back into bytes (the text's UTF-8).
      const verbatim = pg
        ? sql`'\\x02'::bytea || convert_to(e.body, 'UTF8')`
        : sql`cast((X'02' || e.body) as blob)`;
      await sql`insert into audit_events_compact (seq, created_at, owner, kind, body, salt)
        select e.seq, e.created_at,
          case when e.kind = 'audit.void' then null else coalesce(o.no, (${serverOwner})) end,
          case when e.kind is null then null else case e.kind ${kindCase} else ${sql.lit(UNKNOWN_KIND_CODE)} end end,
          case when e.body is null then null else ${verbatim} end,
          e.salt
        from audit_events e left join audit_owners o on o.account_id = e.account_id`.execute(db);
      if (pg) await sql.raw(`alter sequence ${AUDIT_SEQ_SEQUENCE} owned by none`).execute(db);
      await db.schema.dropTable('audit_events').execute();
      await db.schema.alterTable('audit_events_compact').renameTo('audit_events').execute();
      await db.schema
        .createIndex('audit_events_owner')
        .on('audit_events')
        .columns(['owner', 'seq'])
        .execute();
      await db.schema
        .createIndex('audit_events_owner_kind')
        .on('audit_events')
        .columns(['owner', 'kind', 'seq'])
        .execute();
      if (!pg) return;
      await sql
        .raw(
          `alter index audit_events_compact_pkey rename to audit_events_pkey;
alter sequence ${AUDIT_SEQ_SEQUENCE} owned by audit_events.seq;
alter table audit_events alter column seq set default nextval('${AUDIT_SEQ_SEQUENCE}');
drop function if exists audit_append(bigint, bytea, text, bytea, text, text, text, bytea, bigint, bytea, bigint[],
  bytea[]);
drop function if exists audit_append_batch(bytea, text[], bytea[], bigint[], text[], text[], text[], bytea[], bigint[],
  bytea[], bigint[], bytea[]);
${auditClaimFunctions}`,
        )
        .execute(db);
    },
  };
}
