import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { waitUntil } from '../../test/support/api.ts';
import type { JobRow } from '../adapters/db/schema.ts';
import { createLogger } from '../platform/logger.ts';
import { createJobRunner } from './job-runner.ts';
import { createJobsStore, type JobsStore } from './jobs.store.ts';
import { createJobSchedule, type PeriodicJob, type PeriodicPayload } from './schedule.ts';

const MINUTE = 60_000;
/** A clock the test moves; the runners and schedules of every "instance" read it. */
const clock = { at: 1_000 * MINUTE, now: () => clock.at };

describe.each(DIALECTS)('periodic jobs in the durable queue on %s', (dialect) => {
  let database: TestDatabase;
  let store: JobsStore;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    store = createJobsStore(database.features);
  });
  afterAll(() => database.close());

  /** One server instance's share: a schedule and a runner for the given sweeps. */
  function instance(jobs: PeriodicJob[]) {
    const log = createLogger('silent');
    const schedule = createJobSchedule({
      db: database.db,
      features: database.features,
      store,
      clock,
      log,
      jobs,
    });
    const runner = createJobRunner({
      db: database.db,
      store,
      clock,
      log,
      handlers: schedule.handlers,
      concurrency: 1,
      idleMs: 10,
    });
    return {
      schedule,
      runner,
      start: async () => {
        await schedule.start();
        runner.start();
      },
      stop: async () => {
        schedule.stop();
        await runner.stop();
      },
    };
  }

  const rowsOf = (kind: string): Promise<JobRow[]> =>
    database.db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('id').execute();
  const slot = (row: JobRow) => (JSON.parse(row.payload) as PeriodicPayload).slot;
  const pending = async (kind: string) =>
    (await rowsOf(kind)).filter((r) => r.state === 'queued' || r.state === 'running');

  it('queues each sweep once however many instances check at once', async () => {
    const jobs = ['a', 'b'].map((k) => ({
      kind: `once.${k}`,
      periodMs: MINUTE,
      run: () => Promise.resolve(),
    }));
    const schedules = Array.from({ length: 4 }, () => instance(jobs).schedule);
    const added = await Promise.all([...schedules, ...schedules].map((s) => s.ensure()));
    expect(added.reduce((a, b) => a + b, 0)).toBe(2);
    for (const kind of ['once.a', 'once.b']) {
      const rows = await pending(kind);
      expect(rows).toHaveLength(1);
      // Never ran: this period's run is due at once.
      expect(rows[0]).toMatchObject({ state: 'queued', run_at: clock.at });
      expect(slot(rows[0] as JobRow)).toBe(Math.floor(clock.at / MINUTE) * MINUTE);
    }
  });

  it('runs once per period on two instances, across a restart, and queues the next run with each completion', async () => {
    const runs: number[] = [];
    const sweep: PeriodicJob = {
      kind: 'sweep.pair',
      periodMs: MINUTE,
      run: () => Promise.resolve(void runs.push(clock.now())),
    };
    let one = instance([sweep]);
    const two = instance([sweep]);
    await Promise.all([one.start(), two.start()]);
    try {
      const doneCount = async () => (await rowsOf(sweep.kind)).filter((r) => r.state === 'done').length;
      await waitUntil(() => runs.length === 1, 10_000, 'the first run');
      // Its completion queues the next run from the clock it reads: move the clock only once it is written (moved
      // before, the next run lands a period later and "run 2" never comes: a CI failure under load).
      await waitUntilAsync(async () => (await doneCount()) === 1);
      for (let period = 1; period <= 6; period++) {
        if (period === 3) {
          // A restart: the first instance goes away and comes back; the queued run is not queued twice.
          await one.stop();
          clock.at += MINUTE;
          one = instance([sweep]);
          await one.start();
        } else clock.at += MINUTE;
        await waitUntil(() => runs.length === period + 1, 10_000, `run ${period + 1}`);
        await waitUntilAsync(async () => (await doneCount()) === period + 1);
        // Some time within the same period: nothing more runs.
        clock.at += MINUTE / 4;
        await Promise.all([one.schedule.ensure(), two.schedule.ensure()]);
        await sleep(60);
        expect(runs).toHaveLength(period + 1);
        clock.at -= MINUTE / 4;
      }
      const rows = await rowsOf(sweep.kind);
      const done = rows.filter((r) => r.state === 'done');
      const slots = done.map(slot);
      expect(new Set(slots).size).toBe(done.length);
      expect(slots.slice(1).every((s, i) => s - (slots[i] ?? 0) === MINUTE)).toBe(true);
      expect(rows.filter((r) => r.state === 'queued')).toHaveLength(1);
      expect(done.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('retries a failing sweep with backoff, leaves it failed with the reason, and queues the next period', async () => {
    let calls = 0;
    const sweep: PeriodicJob = {
      kind: 'sweep.flaky',
      periodMs: 10 * MINUTE,
      maxAttempts: 2,
      run: () => Promise.reject(new Error(`disk full (${++calls})`)),
    };
    const node = instance([sweep]);
    await node.start();
    try {
      const period = Math.floor(clock.at / sweep.periodMs) * sweep.periodMs;
      await waitUntil(() => calls === 1, 10_000, 'the first try');
      await waitUntilAsync(async () => (await rowsOf(sweep.kind))[0]?.state === 'queued');
      const [retrying] = await rowsOf(sweep.kind);
      expect(retrying).toMatchObject({ attempts: 1, last_error: 'disk full (1)', run_at: clock.at + 2000 });
      clock.at += 2000;
      await waitUntilAsync(async () => (await rowsOf(sweep.kind))[0]?.state === 'failed');
      expect((await rowsOf(sweep.kind))[0]).toMatchObject({ attempts: 2, last_error: 'disk full (2)' });
      // The failed period is not run again; the next one is queued for its start.
      expect(await node.schedule.ensure()).toBe(1);
      const [next] = await pending(sweep.kind);
      expect(next).toMatchObject({ state: 'queued', run_at: period + sweep.periodMs, attempts: 0 });
      expect(calls).toBe(2);
    } finally {
      await node.stop();
    }
  });

  it('pulls in a next run left far ahead by a clock that went back', async () => {
    const sweep: PeriodicJob = { kind: 'sweep.skewed', periodMs: MINUTE, run: () => Promise.resolve() };
    const node = instance([sweep]);
    const real = clock.at;
    clock.at += 30 * 24 * 60 * MINUTE;
    await node.schedule.ensure();
    expect((await pending(sweep.kind))[0]?.run_at).toBe(clock.at);
    clock.at = real;
    await node.schedule.ensure();
    const rows = await pending(sweep.kind);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.run_at).toBe(real);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntilAsync(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}
