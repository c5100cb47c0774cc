import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  eventually,
  expectProblem,
  jobsIdle,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { DERIVATIVES_JOB } from '../library/photos.service.ts';
import { originalKey } from '../adapters/blobs/blob-store.ts';
import { HOUSEKEEPING } from './housekeeping.ts';
import type { Job } from './jobs.schemas.ts';

interface JobsPage {
  items: Job[];
  counts: Record<string, number>;
}

// A job that keeps failing ends in `failed` with its reason; the admin sees it and, once the cause is fixed,
// sends it back. Here the cause is real: a photo's original vanished from the blob store (folder or S3).
describe.each(DIALECTS)('admin jobs API on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let user: SignedIn;
  let sha256: string;
  let saved: Buffer;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await adminSession(server.url);
    user = await userSession(server.url, admin.client, 'user@example.com');
    const photo = await user.client.uploadOk(corpusFile('cameras/casio-ex-z3.jpg'));
    sha256 = photo.sha256;
    await jobsIdle(server);
    saved = await buffer(server.blobs.read(originalKey(sha256)));
  });
  afterAll(() => server.close());

  it('shows a job that exhausted its tries as failed, with the reason', async () => {
    await server.blobs.delete(originalKey(sha256));
    const { db } = server.database;
    await server.app.services.jobsStore.enqueue(
      db,
      { kind: DERIVATIVES_JOB, payload: { sha256 }, maxAttempts: 2 },
      Date.now(),
    );
    server.app.events.emit('jobs.enqueued', { kind: DERIVATIVES_JOB });
    // Two tries, 2 s of backoff between them.
    const failed = await eventually(async () => {
      const page = await admin.client.get<JobsPage>('/api/admin/jobs?state=failed');
      expect(page.status).toBe(200);
      return page.body.items.length > 0 ? page.body : undefined;
    }, 20_000);
    expect(failed.items).toHaveLength(1);
    const [job] = failed.items;
    expect(job).toMatchObject({ kind: DERIVATIVES_JOB, state: 'failed', attempts: 2, maxAttempts: 2 });
    expect(job?.payload).toEqual({ sha256 });
    expect(job?.lastError).toMatch(/ENOENT|not found|no such/i);
    expect(failed.counts['failed']).toBe(1);

    // Newest first; housekeeping's periodic runs are listed beside the media jobs.
    const media = (page: JobsPage) => page.items.filter((j) => j.kind === DERIVATIVES_JOB);
    const all = await admin.client.get<JobsPage>('/api/admin/jobs?limit=500&all=true');
    expect(media(all.body)[0]?.id).toBe(job?.id);
    expect(all.body.items.some((j) => j.kind.startsWith('housekeeping.'))).toBe(true);
    const older = await admin.client.get<JobsPage>(`/api/admin/jobs?before=${job?.id}`);
    expect(older.body.items.every((j) => j.id < (job?.id ?? 0))).toBe(true);
    expect(media(older.body).every((j) => j.state === 'done')).toBe(true);
    expect(media(older.body).length).toBeGreaterThanOrEqual(1);
  });

  it('retries a failed job on request, which then succeeds once the cause is gone', async () => {
    const [job] = (await admin.client.get<JobsPage>('/api/admin/jobs?state=failed')).body.items;
    if (!job) throw new Error('no failed job');
    await server.blobs.writeAll([{ key: originalKey(sha256), data: saved }]);
    const retried = await admin.client.post<Job>(`/api/admin/jobs/${job.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: job.id, state: 'queued', attempts: 0 });
    await eventually(async () => {
      const page = await admin.client.get<JobsPage>('/api/admin/jobs?state=done');
      return page.body.items.some((j) => j.id === job.id) ? true : undefined;
    });
    expect((await admin.client.get<JobsPage>('/api/admin/jobs?state=failed')).body.items).toEqual([]);
    // Only a failed job goes back: a done one is a conflict, an unknown id is not found.
    expectProblem(await admin.client.post(`/api/admin/jobs/${job.id}/retry`), 409, 'conflict');
    expectProblem(await admin.client.post('/api/admin/jobs/99999999/retry'), 404, 'not_found');
    expectProblem(await admin.client.post('/api/admin/jobs/not-a-job/retry'), 404, 'not_found');
  });

  it('leaves succeeded housekeeping sweeps out unless asked, and always shows their failures', async () => {
    const { db } = server.database;
    const now = Date.now();
    const sweep = (state: 'done' | 'failed', note: string) => ({
      kind: HOUSEKEEPING.security,
      payload: JSON.stringify({ note }),
      state,
      attempts: 1,
      max_attempts: 1,
      run_at: now,
      locked_until: null,
      locked_by: null,
      last_error: state === 'failed' ? 'database unreachable' : null,
      created_at: now,
      updated_at: now,
    });
    await db
      .insertInto('jobs')
      .values([sweep('done', 'listing test'), sweep('failed', 'listing test')])
      .execute();
    const isSweep = (j: Job) => j.kind.startsWith('housekeeping.');
    const byDefault = (await admin.client.get<JobsPage>('/api/admin/jobs?limit=500')).body;
    expect(byDefault.items.filter((j) => isSweep(j) && j.state === 'done')).toEqual([]);
    expect(byDefault.items.some((j) => j.kind === DERIVATIVES_JOB && j.state === 'done')).toBe(true);
    const failedSweep = byDefault.items.find((j) => isSweep(j) && j.state === 'failed');
    expect(failedSweep).toMatchObject({ kind: HOUSEKEEPING.security, lastError: 'database unreachable' });
    expect(byDefault.counts['failed']).toBeGreaterThanOrEqual(1);

    const everything = (await admin.client.get<JobsPage>('/api/admin/jobs?limit=500&all=true')).body;
    const doneSweeps = everything.items.filter((j) => isSweep(j) && j.state === 'done');
    expect(doneSweeps.some((j) => (j.payload as { note?: string }).note === 'listing test')).toBe(true);
    expect(everything.counts['done'] ?? 0).toBe((byDefault.counts['done'] ?? 0) + doneSweeps.length);
    // `all=false` is the default, spelled out; anything else is refused.
    const spelled = (await admin.client.get<JobsPage>('/api/admin/jobs?limit=500&all=false')).body;
    expect(spelled.items.some((j) => isSweep(j) && j.state === 'done')).toBe(false);
    expectProblem(await admin.client.get('/api/admin/jobs?all=yes'), 400);
    await db
      .deleteFrom('jobs')
      .where('kind', '=', HOUSEKEEPING.security)
      .where('state', '=', 'failed')
      .execute();
  });

  it('refuses the queue to accounts that are not admins', async () => {
    expectProblem(await user.client.get('/api/admin/jobs'), 403, 'forbidden');
    expectProblem(await user.client.post('/api/admin/jobs/1/retry'), 403, 'forbidden');
    expectProblem(await admin.client.get('/api/admin/jobs?state=stuck'), 400);
  });
});
