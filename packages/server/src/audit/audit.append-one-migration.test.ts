// Migration 0028: a PostgreSQL database that ran 0027 while it created the first audit_append_one() (ten arguments,
// the key and its pads sent by the appender) gets the current one (eight, a key digest), and appends in one call work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { TestDatabase } from '../../test/support/databases.ts';
import { auditAppendOneDigestMigration } from '../adapters/db/migrations/0028-audit-append-one-digest.ts';
import { auditDb } from './audit.db.ts';
import { createAuditLog } from './audit.log.ts';
import { openAuditTestDb, upload } from './audit.test-support.ts';

describe('migration 0028 on postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openAuditTestDb('postgres');
  });
  afterAll(() => db.close());

  const signatures = async () =>
    (
      await sql<{ args: string }>`select pg_get_function_identity_arguments(p.oid) as args from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace
        where p.proname = 'audit_append_one' and n.nspname = current_schema()`.execute(auditDb(db.db))
    ).rows.map((r) => r.args);

  it('replaces the first version of audit_append_one(), and one-call appends work after it', async () => {
    await sql`create or replace function audit_append_one(p_owner text, p_owner_no integer, p_key bytea,
      p_ipad bytea, p_opad bytea, p_at bigint, p_kind smallint, p_body bytea, p_before bytea, p_after bytea)
      returns bigint language sql as 'select null::bigint'`.execute(auditDb(db.db));
    expect(await signatures()).toHaveLength(2);
    await auditAppendOneDigestMigration('postgres').up(auditDb(db.db) as never);
    const [only, ...rest] = await signatures();
    expect(rest).toEqual([]);
    expect(only).toMatch(/^p_owner text, p_owner_no integer, p_key_digest bytea,/);

    const calls = { one: 0 };
    const f = db.features;
    const appendOne = f.auditAppendOne;
    if (!appendOne) throw new Error('PostgreSQL appends in one call');
    const log = createAuditLog({
      features: { ...f, auditAppendOne: (trx, input) => (calls.one++, appendOne(trx, input)) },
      clock: { now: () => Date.now() },
    });
    const alice = randomUUID();
    for (let i = 0; i < 3; i++) await db.db.transaction().execute((trx) => log.record(trx, upload(alice, i)));
    expect(calls.one).toBe(2);
    const rows = await auditDb(db.db).selectFrom('audit_leaves').select('seq').execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });
});
