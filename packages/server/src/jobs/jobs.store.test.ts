import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { createJobsStore } from './jobs.store.ts';

describe.each(DIALECTS)('jobs store on %s', (dialect) => {
  let database: TestDatabase;
  let store: ReturnType<typeof createJobsStore>;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    store = createJobsStore(database.features);
  });
  afterAll(() => database.close());

  it('hands each due job to exactly one of several concurrent workers', async () => {
    for (let i = 0; i < 20; i++) await store.enqueue(database.db, { kind: 'k', payload: { i } }, 1000);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((w) => store.claim(database.db, w, 10, 2000, 60_000)),
    );
    const ids = claims.flat().map((j) => j.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(claims.flat().every((j) => j.state === 'running' && j.attempts === 1)).toBe(true);
    for (const id of ids) await store.complete(database.db, id, 2001);
    expect(await store.countByState(database.db)).toEqual({ done: 20 });
  });

  it('does not hand out jobs before their time', async () => {
    await store.enqueue(database.db, { kind: 'later', payload: {}, runAt: 10_000 }, 1000);
    expect(await store.claim(database.db, 'w', 10, 5000, 60_000)).toEqual([]);
    const due = await store.claim(database.db, 'w', 10, 10_000, 70_000);
    expect(due.map((j) => j.kind)).toEqual(['later']);
    for (const j of due) await store.complete(database.db, j.id, 10_001);
  });

  it('takes a job back when its worker died (lease expired)', async () => {
    await store.enqueue(database.db, { kind: 'orphan', payload: {} }, 100_000);
    const [first] = await store.claim(database.db, 'dead', 1, 100_000, 100_500);
    expect(first?.kind).toBe('orphan');
    expect(await store.claim(database.db, 'alive', 1, 100_400, 200_000)).toEqual([]);
    const [retaken] = await store.claim(database.db, 'alive', 1, 100_600, 200_000);
    expect(retaken?.id).toBe(first?.id);
    expect(retaken?.attempts).toBe(2);
    if (retaken) await store.complete(database.db, retaken.id, 100_700);
  });

  it('retries with backoff and ends in a visible failed state with the reason', async () => {
    await store.enqueue(database.db, { kind: 'flaky', payload: {}, maxAttempts: 2 }, 300_000);
    const [a] = await store.claim(database.db, 'w', 1, 300_000, 400_000);
    if (!a) throw new Error('no job');
    expect(await store.fail(database.db, a, 'disk full', 300_001, 302_000)).toBe('retry');
    expect(await store.claim(database.db, 'w', 1, 301_000, 400_000)).toEqual([]);
    const [b] = await store.claim(database.db, 'w', 1, 302_000, 400_000);
    if (!b) throw new Error('no retry');
    expect(await store.fail(database.db, b, 'disk still full', 302_001, 304_000)).toBe('failed');
    const failed = await store.list(database.db, 'failed');
    expect(failed.map((j) => [j.kind, j.last_error])).toEqual([['flaky', 'disk still full']]);
  });

  it('leaves the finished runs of the named kinds out of the listing and counts, but not their failures', async () => {
    const at = 500_000;
    const sweep = 'sweep.test';
    for (const state of ['done', 'failed', 'queued'] as const) {
      await store.enqueue(database.db, { kind: sweep, payload: { state }, runAt: at * 10 }, at);
      await store.enqueue(database.db, { kind: 'work.test', payload: { state }, runAt: at * 10 }, at);
    }
    const mine = await store.listRecent(database.db, {}, 100);
    for (const job of mine.filter((j) => j.kind.endsWith('.test'))) {
      const { state } = JSON.parse(job.payload) as { state: 'done' | 'failed' | 'queued' };
      if (state !== 'queued')
        await database.db.updateTable('jobs').set({ state }).where('id', '=', job.id).execute();
    }
    const seen = async (hideDoneOf?: readonly string[]) =>
      (await store.listRecent(database.db, hideDoneOf ? { hideDoneOf } : {}, 100))
        .filter((j) => j.kind.endsWith('.test'))
        .map((j) => `${j.kind}:${j.state}`)
        .sort();
    const everything = [
      'sweep.test:done',
      'sweep.test:failed',
      'sweep.test:queued',
      'work.test:done',
      'work.test:failed',
      'work.test:queued',
    ];
    expect(await seen()).toEqual(everything);
    expect(await seen([sweep])).toEqual(everything.filter((s) => s !== 'sweep.test:done'));
    const doneBefore = (await store.countByState(database.db))['done'] ?? 0;
    expect((await store.countByState(database.db, undefined, [sweep]))['done']).toBe(doneBefore - 1);
    expect((await store.countByState(database.db, undefined, [sweep]))['failed']).toBe(
      (await store.countByState(database.db))['failed'],
    );
    // With a state filter too: the failed sweep still shows among the failures.
    const failures = await store.listRecent(database.db, { state: 'failed', hideDoneOf: [sweep] }, 100);
    expect(failures.map((j) => j.kind)).toContain(sweep);
  });
});
