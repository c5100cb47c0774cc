import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createLeaseHolder, createLeaseStore } from './lease.ts';

describe.each(DIALECTS)('database lease on %s', (dialect) => {
  let database: TestDatabase;
  const leases = createLeaseStore();
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(() => database.close());

  it('has one holder at a time; the holder renews; another takes over only after it expired', async () => {
    const { db } = database;
    expect(await leases.acquire(db, 'l1', 'a', 1000, 500)).toEqual({ holder: 'a', until: 1500 });
    expect(await leases.acquire(db, 'l1', 'b', 1200, 500)).toEqual({ holder: 'a', until: 1500 });
    expect(await leases.acquire(db, 'l1', 'a', 1400, 500)).toEqual({ holder: 'a', until: 1900 });
    // Still a's at its last instant; b's the moment after.
    expect((await leases.acquire(db, 'l1', 'b', 1900, 500)).holder).toBe('a');
    expect(await leases.acquire(db, 'l1', 'b', 1901, 500)).toEqual({ holder: 'b', until: 2401 });
    // a wakes up late: its renewal fails and it learns who holds the lease.
    expect(await leases.acquire(db, 'l1', 'a', 1950, 500)).toEqual({ holder: 'b', until: 2401 });
    expect(await leases.read(db, 'l1')).toEqual({ holder: 'b', until: 2401 });
  });

  it('lets exactly one of many racing instances take an expired lease', async () => {
    const { db } = database;
    await leases.acquire(db, 'l2', 'dead', 0, 100);
    for (let round = 1; round <= 5; round++) {
      const now = round * 1000;
      const results = await Promise.all(
        ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((w) => leases.acquire(db, 'l2', w, now, 500)),
      );
      const winners = new Set(results.map((r) => r.holder));
      expect(winners.size, `round ${round}`).toBe(1);
      expect(await leases.read(db, 'l2')).toEqual(results[0]);
    }
  });

  it('is free at once after its holder releases it, and a release by another does nothing', async () => {
    const { db } = database;
    await leases.acquire(db, 'l3', 'a', 1000, 10_000);
    await leases.release(db, 'l3', 'b');
    expect((await leases.read(db, 'l3'))?.holder).toBe('a');
    await leases.release(db, 'l3', 'a');
    expect(await leases.read(db, 'l3')).toBeUndefined();
    expect((await leases.acquire(db, 'l3', 'b', 1001, 10_000)).holder).toBe('b');
  });

  it('holders renew at half time, so a live holder keeps the lease and the other never gets it', async () => {
    let now = 10_000;
    const clock = { now: () => now };
    const log = createLogger('silent');
    const options = { db: database.db, name: 'l4', ttlMs: 1000, clock, log };
    const a = createLeaseHolder({ ...options, holder: 'a' });
    const b = createLeaseHolder({ ...options, holder: 'b' });
    for (let i = 0; i < 20; i++, now += 300) {
      expect(await a.hold()).toBe(true);
      expect(await b.hold()).toBe(false);
    }
    // a dies (stops calling hold): b gets the lease once a's last renewal ran out, not before.
    const { until } = (await leases.read(database.db, 'l4')) ?? { until: 0 };
    now = until;
    expect(await b.hold()).toBe(false);
    now = until + 1;
    expect(await b.hold()).toBe(true);
    expect(await a.hold()).toBe(false);
    await b.release();
    expect(await a.hold()).toBe(true);
  });
});
