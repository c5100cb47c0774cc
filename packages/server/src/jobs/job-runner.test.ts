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

  it("claims each job's successor in the commit that completes it, not in a claim of its own", async () => {
    const calls = { claim: 0, claimWithin: 0 };
    const counted: typeof store = {
      ...store,
      claim: (...args) => (calls.claim++, store.claim(...args)),
      claimWithin: (...args) => (calls.claimWithin++, store.claimWithin(...args)),
    };
    const order: number[] = [];
    for (let n = 0; n < 6; n++)
      await store.enqueue(database.db, { kind: 'chained', payload: { n } }, Date.now() - 1000 + n);
    const runner = createJobRunner({
      db: database.db,
      store: counted,
      clock: systemClock,
      log: createLogger('silent'),
      handlers: { chained: (payload) => (order.push((payload as { n: number }).n), Promise.resolve()) },
      concurrency: 1,
      idleMs: 60_000,
    });
    runner.start();
    const deadline = Date.now() + 10_000;
    const doneCount = async () =>
      (await store.list(database.db, 'done')).filter((j) => j.kind === 'chained').length;
    while ((await doneCount()) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    // One claim to start, then every job brings the next: 6 completions, each with a claim inside.
    expect(calls.claimWithin).toBe(6);
    expect(calls.claim).toBeLessThanOrEqual(2);
    const done = (await store.list(database.db, 'done')).filter((j) => j.kind === 'chained');
    expect(done).toHaveLength(6);
  });

  it('waits on stop for a successor claimed as it was asked to stop, and leaves none claimed', async () => {
    const started: number[] = [];
    for (let n = 0; n < 3; n++)
      await store.enqueue(database.db, { kind: 'stop-race', payload: { n } }, Date.now() - 1000 + n);
    let stop: Promise<void> | undefined;
    const runner = createJobRunner({
      db: database.db,
      store,
      clock: systemClock,
      log: createLogger('silent'),
      handlers: {
        'stop-race': (payload) => {
          started.push((payload as { n: number }).n);
          // Asked to stop while the first job runs: it completes, and nothing more is claimed.
          if (started.length === 1)
            setTimeout(() => {
              stop = runner.stop();
            }, 10);
          return new Promise((r) => setTimeout(r, 50));
        },
      },
      concurrency: 1,
      idleMs: 60_000,
    });
    runner.start();
    const deadline = Date.now() + 10_000;
    while (!stop && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await stop;
    expect(runner.running).toBe(0);
    expect(started).toEqual([0]);
    const running = (await store.list(database.db, 'running')).filter((j) => j.kind === 'stop-race');
    expect(running).toEqual([]);
  });
});
