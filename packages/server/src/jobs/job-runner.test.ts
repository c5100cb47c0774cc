import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { systemClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import { createJobRunner, type JobHandler } from './job-runner.ts';
import { createJobsStore } from './jobs.store.ts';

describe.each(DIALECTS)('job runner on %s', (dialect) => {
  let database: TestDatabase;
  let store: ReturnType<typeof createJobsStore>;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    store = createJobsStore(database.features);
  });
  afterAll(() => database.close());

  async function runUntilSettled(handlers: Record<string, JobHandler>, kind: string): Promise<void> {
    const runner = createJobRunner({
      db: database.db,
      store,
      clock: systemClock,
      log: createLogger('silent'),
      handlers,
      concurrency: 2,
      idleMs: 20,
    });
    runner.start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const busy = [
        ...(await store.list(database.db, 'queued')),
        ...(await store.list(database.db, 'running')),
      ];
      if (!busy.some((j) => j.kind === kind && j.attempts === 0) && runner.running === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await runner.stop();
  }

  it("commits a job's writes together with its completion, and only then runs `committed`", async () => {
    const seen: string[] = [];
    await store.enqueue(database.db, { kind: 'with-outcome', payload: { n: 1 } }, Date.now());
    await runUntilSettled(
      {
        'with-outcome': () =>
          Promise.resolve({
            write: (trx) => store.enqueue(trx, { kind: 'follow-up', payload: {}, runAt: 9e15 }, Date.now()),
            committed: () => seen.push('committed'),
          }),
      },
      'with-outcome',
    );
    expect(seen).toEqual(['committed']);
    const done = await store.list(database.db, 'done');
    expect(done.filter((j) => j.kind === 'with-outcome')).toHaveLength(1);
    expect((await store.list(database.db, 'queued')).filter((j) => j.kind === 'follow-up')).toHaveLength(1);
  });

  it('rolls the writes back when they fail, retries the job later, and announces nothing', async () => {
    const seen: string[] = [];
    await store.enqueue(database.db, { kind: 'half-written', payload: {} }, Date.now());
    await runUntilSettled(
      {
        'half-written': () =>
          Promise.resolve({
            write: async (trx) => {
              await store.enqueue(trx, { kind: 'orphan', payload: {}, runAt: 9e15 }, Date.now());
              throw new Error('disk full');
            },
            committed: () => seen.push('committed'),
          }),
      },
      'half-written',
    );
    expect(seen).toEqual([]);
    const queued = await store.list(database.db, 'queued');
    expect(queued.filter((j) => j.kind === 'orphan')).toEqual([]);
    const retry = queued.find((j) => j.kind === 'half-written');
    expect(retry).toMatchObject({ attempts: 1, last_error: 'disk full' });
  });
});
