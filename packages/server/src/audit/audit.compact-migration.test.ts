// Migration 0024 on a log written in the storage before it: every row kept verbatim (nothing rewritten, so nothing
// tampered is healed), owners and kinds numbered, and the log verifies, serves the same texts and grows compactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { auditCompactMigration } from '../adapters/db/migrations/0024-audit-compact.ts';
import { createAuditViews, dropAuditViews } from '../adapters/db/migrations/0029-audit-blocks.ts';
import { dropClaimFunctions } from '../adapters/db/migrations/0024-audit-claim-functions.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { kindCode } from './audit.kind-codes.ts';
import { KEY_BYTES, SALT_BYTES, eventText, makeLeaf } from './audit.leaf.ts';
import { createAuditLog } from './audit.log.ts';
import { createAuditService } from './audit.service.ts';
import { SERVER_KEY_ID } from './audit.store.ts';
import { appendBatch, deviceAudit, openAuditTestDb, trustedPrincipal, upload } from './audit.test-support.ts';

const clock = { now: () => Date.now() };

/** Puts the audit_events table back as it was before migration 0024 (the rest of the schema is what 0024 needs). */
async function toStorageBefore0024(db: TestDatabase): Promise<void> {
  const pg = db.dialect === 'postgres';
  if (pg) {
    await sql`alter sequence audit_seq owned by none`.execute(db.db);
    await sql.raw(dropClaimFunctions).execute(db.db);
  }
  await dropAuditViews(db.db);
  await sql`drop table audit_events`.execute(db.db);
  await sql`drop table audit_owners`.execute(db.db);
  await sql
    .raw(
      `create table audit_events (seq ${pg ? 'bigint' : 'integer'} primary key, account_id text, kind text, body text,
        salt ${pg ? 'bytea' : 'blob'}, created_at ${pg ? 'bigint' : 'integer'} not null)`,
    )
    .execute(db.db);
  if (pg) await sql`alter sequence audit_seq owned by audit_events.seq`.execute(db.db);
}

/** Appends as the code before migration 0024 did: the whole text in the row, a random stored salt. */
async function appendOldStyle(db: TestDatabase, seq: number, owner: string, key: Buffer): Promise<void> {
  const input = upload(owner === SERVER_KEY_ID ? null : owner, seq);
  const at = 1_700_000_000_000 + seq;
  const text = eventText(seq, at, input);
  const salt = randomBytes(SALT_BYTES);
  await sql`insert into audit_events (seq, account_id, kind, body, salt, created_at)
    values (${seq}, ${owner === SERVER_KEY_ID ? null : owner}, ${input.kind}, ${text}, ${salt}, ${at})`.execute(
    db.db,
  );
  await auditDb(db.db)
    .insertInto('audit_leaves')
    .values({ seq, leaf: makeLeaf(key, seq, salt, text) })
    .execute();
}

describe.each(DIALECTS)('migration 0024 (compact audit events) on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let checkpointer: Checkpointer;
  const alice = randomUUID();
  const bob = randomUUID();
  const OLD = 12;

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-0024-'));
    await toStorageBefore0024(db);
    const owners = [alice, bob, SERVER_KEY_ID];
    const keys = new Map(owners.map((o) => [o, randomBytes(KEY_BYTES)]));
    for (const [owner, key] of keys)
      await auditDb(db.db)
        .insertInto('audit_keys')
        .values({ account_id: owner, key, created_at: 0 })
        .execute();
    for (let seq = 0; seq < OLD; seq++)
      await appendOldStyle(db, seq, owners[seq % 3] as string, keys.get(owners[seq % 3] as string) as Buffer);
    if (dialect === 'postgres') await sql`select setval('audit_seq', ${OLD}, false)`.execute(db.db);
    await auditCompactMigration(dialect).up(db.db);
    await createAuditViews(db.db, dialect);
    checkpointer = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
      features: db.features,
    });
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps old rows verbatim, numbers owners and kinds, and appends compact rows after them', async () => {
    const rows = await auditDb(db.db).selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows).toHaveLength(OLD);
    expect(rows.every((r) => r.kind === kindCode('photo.uploaded') && r.salt !== null)).toBe(true);
    expect(
      rows.every(
        (r) =>
          Buffer.from(r.body ?? [])
            .subarray(0, 2)
            .toString('latin1') === '\x02{',
      ),
    ).toBe(true);
    const owners = await auditDb(db.db).selectFrom('audit_owners').select('account_id').execute();
    expect(owners.map((o) => o.account_id).sort()).toEqual([alice, bob, SERVER_KEY_ID].sort());

    const log = createAuditLog({ features: db.features, clock });
    expect(await appendBatch(db, log, [alice, bob, null], 6)).toEqual([12, 13, 14, 15, 16, 17]);
    const added = await auditDb(db.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', OLD)
      .execute();
    expect(added.every((r) => r.salt === null && Buffer.from(r.body ?? [])[0] === 0x01)).toBe(true);
    expect((await checkpointer.signNow())?.size).toBe(OLD + 6);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();

    // A device opens old and new entries alike.
    const service = createAuditService({ db: db.db, log, checkpointer });
    expect(await deviceAudit(service, alice)).toEqual([]);
    const page = await service.events(trustedPrincipal(alice), undefined, 100);
    expect(page.items.map((i) => i.seq)).toEqual([0, 3, 6, 9, 12, 15]);
    expect(JSON.parse(page.items[0]?.event ?? '{}')).toMatchObject({ seq: 0, at: 1_700_000_000_000 });
  });

  it('still catches a verbatim row whose columns were changed around its text', async () => {
    await auditDb(db.db)
      .updateTable('audit_events')
      .set({ kind: kindCode('photo.trashed') })
      .where('seq', '=', 3)
      .execute();
    await expect(checkpointer.verifyOnStart({ full: true })).rejects.toThrow(
      /columns do not match its committed text/,
    );
  });
});
