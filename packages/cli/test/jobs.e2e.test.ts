import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, jobsIdle, originalPath } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DERIVATIVES_JOB } from '../../server/src/library/photos.service.ts';
import { HOUSEKEEPING } from '../../server/src/jobs/housekeeping.ts';
import { Device, cleanUp, createAccount, failed, ok } from './support/cli.ts';

interface JobsJson {
  items: { id: number; kind: string; state: string; attempts: number; lastError: string | null }[];
  counts: Record<string, number>;
}

// An operator finds the job that gave up, reads why, fixes the cause and sends it back, all from the CLI.
describe('background jobs through the CLI', { timeout: 120_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let user: Device;
  let sha256: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = new Device(server.url, 'admin');
    user = new Device(server.url, 'user');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com', ['--device-name', 'Desk']);
    await createAccount(admin, 'user@example.com');
    await user.login('user@example.com', ['--device-name', 'Laptop']);
    const photo = corpusFile('cameras/casio-ex-z3.jpg');
    ok(await user.run(['upload', photo]));
    sha256 = createHash('sha256').update(fs.readFileSync(photo)).digest('hex');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    await jobsIdle(server);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('lists failed jobs with their reason, and retries one', async () => {
    expect(ok(await admin.run(['jobs', '--failed']))).toMatch(
      // The queued ones are housekeeping's next runs; its finished sweeps are not counted by default.
      /^Jobs: \d queued, 0 running, 1 done, 0 failed\.\nNo failed jobs\.\n$/,
    );
    const file = originalPath(server.dataDir, sha256);
    const bytes = fs.readFileSync(file);
    fs.rmSync(file);
    await server.app.services.jobsStore.enqueue(
      server.database.db,
      { kind: DERIVATIVES_JOB, payload: { sha256 }, maxAttempts: 1 },
      Date.now(),
    );
    server.app.events.emit('jobs.enqueued', { kind: DERIVATIVES_JOB });
    const listed = await eventually(async () => {
      const page = await admin.json<JobsJson>(['jobs', '--failed']);
      return page.items.length > 0 ? page : undefined;
    });
    const [job] = listed.items;
    expect(job).toMatchObject({ kind: DERIVATIVES_JOB, state: 'failed', attempts: 1 });
    expect(listed.counts['failed']).toBe(1);
    const text = ok(await admin.run(['jobs', '--failed']));
    expect(text).toContain(`${job?.id}  failed   ${DERIVATIVES_JOB}  tries 1/1`);
    expect(text).toMatch(/reason: .*ENOENT/);

    expect(failed(await user.run(['jobs']), 1)).toBe('Only an admin can do this.');
    expect(failed(await admin.run(['jobs', 'retry', '424242']), 1)).toBe('Job not found.');

    fs.writeFileSync(file, bytes);
    expect(ok(await admin.run(['jobs', 'retry', String(job?.id)]))).toBe(
      `Job ${job?.id} (${DERIVATIVES_JOB}) is queued again.\n`,
    );
    await jobsIdle(server);
    const after = await admin.json<JobsJson>(['jobs']);
    expect(after.counts['done']).toBe(2);
    expect(after.counts['failed']).toBeUndefined();
    expect(failed(await admin.run(['jobs', 'retry', String(job?.id)]), 1)).toMatch(
      /only failed jobs can be retried/,
    );
  });

  it('lists succeeded housekeeping sweeps only with --all, and failed ones always', async () => {
    const now = Date.now();
    const sweep = (state: 'done' | 'failed') => ({
      kind: HOUSEKEEPING.security,
      payload: '{}',
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
    await server.database.db
      .insertInto('jobs')
      .values([sweep('done'), sweep('failed')])
      .execute();
    const doneSweep = new RegExp(`done +${HOUSEKEEPING.security.replace('.', '\\.')}`);
    const byDefault = ok(await admin.run(['jobs', '--limit', '500']));
    expect(byDefault).toMatch(new RegExp(`failed +${HOUSEKEEPING.security.replace('.', '\\.')}`));
    expect(byDefault).toContain('reason: database unreachable');
    expect(byDefault).toMatch(new RegExp(`done +${DERIVATIVES_JOB.replace('.', '\\.')}`));
    expect(byDefault).not.toMatch(doneSweep);
    expect(ok(await admin.run(['jobs', '--all', '--limit', '500']))).toMatch(doneSweep);
    const all = await admin.json<JobsJson>(['jobs', '--all', '--limit', '500']);
    expect(all.items.some((j) => j.kind === HOUSEKEEPING.security && j.state === 'done')).toBe(true);
    expect(all.counts['done']).toBeGreaterThan(2);
  });
});
