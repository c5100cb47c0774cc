// The full verification on a running server: start-up only re-derives what was appended since the signed
// "verified up to" mark, so an old row rewritten below it gets past a restart; the daily job and the admin route
// catch it, stop the signing and make /healthz say so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, adminSession, eventually, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { HOUSEKEEPING } from '../jobs/housekeeping.ts';
import type { Job } from '../jobs/jobs.schemas.ts';
import { auditDb } from './audit.db.ts';
import { alteredBody } from './audit.test-support.ts';
import { treeSize } from './audit.tree.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';

interface VerifyResult {
  ok: boolean;
  size: number;
  root?: string;
  problem?: string;
  durationMs: number;
  longestBlockMs: number;
}
const KIND = HOUSEKEEPING.auditVerify;
const DAY = 24 * 3600_000;

const auditRuns = (database: TestDatabase) =>
  database.db.selectFrom('jobs').selectAll().where('kind', '=', KIND).orderBy('id').execute();

describe.each(DIALECTS)('full audit verification while serving (%s)', (dialect) => {
  let database: TestDatabase;
  let keyDir: string;
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  let admin: SignedIn;
  const start = () =>
    startTestServer(dialect, {
      database,
      config: { mediaWorkers: 0, logKeyFile: path.join(keyDir, 'log.key') },
    });

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-logkey-'));
    const server = await start();
    first = server;
    admin = await adminSession(server.url);
    await admin.client.uploadOk(corpusFile('cameras/casio-ex-z3.jpg'));
    // The signer takes these entries into the tree (within a round): the verifications below cover them.
    await server.app.services.checkpointer.signNow();
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database.close();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('runs daily as a listed job, and passes a clean log through the admin route', async () => {
    const done = await eventually(async () => (await auditRuns(database)).find((r) => r.state === 'done'));
    expect(done.last_error).toBeNull();
    const listed = await admin.client.get<{ items: Job[] }>('/api/admin/jobs?limit=500&all=true');
    expect(listed.status).toBe(200);
    const jobs = listed.body.items.filter((j) => j.kind === KIND);
    expect(jobs.map((j) => j.state).sort()).toEqual(['done', 'queued']);
    expect(jobs.find((j) => j.state === 'queued')?.payload).toMatchObject({ periodMs: DAY });

    // Appends go on during the pass: it reads one point in time, so they are neither missed nor "beyond" it.
    const [reply] = await Promise.all([
      admin.client.post<VerifyResult>('/api/admin/audit/verify'),
      admin.client.uploadOk(corpusFile('cameras/sony-dsc-f828-8x8.jpg')),
      admin.client.uploadOk(corpusFile('cameras/gopro-hero6-8x8.jpg')),
    ]);
    expect(reply.status).toBe(200);
    const size = await treeSize(auditDb(database.db));
    expect(reply.body).toMatchObject({ ok: true });
    expect(reply.body.problem).toBeUndefined();
    expect(reply.body.size).toBeGreaterThan(0);
    expect(reply.body.size).toBeLessThanOrEqual(size);
    expect(reply.body.root).toMatch(/^[0-9a-f]{64}$/);
    expect((await new TestClient(admin.client.url).get('/healthz')).status).toBe(200);
  });

  it('catches an old row rewritten below the verified mark, which a restart lets through', async () => {
    const db = auditDb(database.db);
    const marked = await database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', VERIFIED_MARK)
      .execute();
    expect(marked).toHaveLength(1);
    await first?.close();
    first = undefined;

    const row = await db
      .selectFrom('audit_events')
      .select('body')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    expect(row.body).not.toBeNull();
    await db
      .updateTable('audit_events')
      .set({ body: await alteredBody(db, row.body ?? new Uint8Array()) })
      .where('seq', '=', 1)
      .execute();

    // Start-up re-derives only entries after the mark: the edit gets through.
    second = await start();
    const anonymous = new TestClient(second.url);
    expect((await anonymous.get('/healthz')).status).toBe(200);
    const signing = second.app.services.checkpointer;
    expect(signing.problem).toBeUndefined();

    // The daily run comes due: it fails (after its retry), with the reason, and signing stops.
    const pending = (await auditRuns(database)).find((r) => r.state === 'queued');
    expect(pending).toBeDefined();
    await database.db
      .updateTable('jobs')
      .set({ run_at: Date.now() })
      .where('id', '=', Number(pending?.id))
      .execute();
    const failed = await eventually(
      async () => (await auditRuns(database)).find((r) => r.id === pending?.id && r.state === 'failed'),
      30_000,
      'the audit-verify job to fail',
    );
    expect(failed.last_error).toMatch(/audit event 1 does not open its leaf/);
    expect(Number(failed.attempts)).toBe(2);
    expect(signing.problem).toMatch(/audit event 1 does not open its leaf/);
    const health = await anonymous.get<{ status: string; problem: string }>('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'audit_log_damaged' });
    expect(health.body.problem).toMatch(/does not open its leaf/);

    // The admin route sees the same, and no checkpoint is signed over what was appended since.
    const client = new TestClient(second.url, admin.client.token);
    const reply = await client.post<VerifyResult>('/api/admin/audit/verify');
    expect(reply.status).toBe(200);
    expect(reply.body.ok).toBe(false);
    expect(reply.body.problem).toMatch(/audit event 1 does not open its leaf/);
    const before = await signing.latest();
    await client.uploadOk(corpusFile('cameras/nikon-e775-8x8.jpg'));
    expect(await signing.signNow()).toBeUndefined();
    expect((await signing.latest())?.size).toBe(before?.size);

    // The mark that let the edit through is gone: the next start-up re-derives everything and refuses to serve.
    expect(
      await database.db.selectFrom('settings').select('key').where('key', '=', VERIFIED_MARK).execute(),
    ).toEqual([]);
    await second.close();
    second = undefined;
    await expect(start()).rejects.toThrow(/audit event 1 does not open its leaf/);
  });
});
