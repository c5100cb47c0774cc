import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '@shoebox/shared';
import {
  adminSession,
  distinctCopy,
  eventually,
  expectProblem,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { JobRow } from '../adapters/db/schema.ts';
import type { Clock } from '../platform/clock.ts';
import { HOUSEKEEPING } from './housekeeping.ts';
import type { Job } from './jobs.schemas.ts';
import type { PeriodicPayload } from './schedule.ts';

const HOUR = 3600_000;
interface JobsPage {
  items: Job[];
}
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
const KINDS = Object.values(HOUSEKEEPING);

const slotOf = (row: JobRow) => (JSON.parse(row.payload) as PeriodicPayload).slot;
const rowsOf = (database: TestDatabase, kind: string): Promise<JobRow[]> =>
  database.db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('id').execute();

describe.each(DIALECTS)('housekeeping in the durable queue on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer(dialect, { clock, config: { trashDays: 1, mediaWorkers: 0 } });
    admin = await adminSession(server.url);
  });
  afterAll(() => server.close());

  it('queues every sweep at start-up, visible to the admin, and empties the trash through the queue', async () => {
    const listed = await admin.client.get<JobsPage>('/api/admin/jobs?limit=500');
    expect(listed.status).toBe(200);
    const sweeps = (kind: string, page: JobsPage) => page.items.filter((j: Job) => j.kind === kind);
    for (const kind of KINDS) expect(sweeps(kind, listed.body).length, kind).toBeGreaterThanOrEqual(1);
    expect(sweeps(HOUSEKEEPING.trash, listed.body)[0]?.payload).toMatchObject({ periodMs: HOUR });

    const photo = await admin.client.uploadOk(
      distinctCopy(corpusFile('cameras/nikon-e775-8x8.jpg'), 'sweep'),
    );
    expect((await admin.client.post<Photo>(`/api/photos/${photo.id}/trash`)).status).toBe(200);
    const before = await server.database.db.selectFrom('jobs').selectAll().execute();
    clock.skew = 25 * HOUR;
    const skewedAt = clock.now();
    try {
      // The photo goes during the run; the row is marked done in the transaction after it.
      const ranAfterSkew = async () =>
        (await rowsOf(server.database, HOUSEKEEPING.trash)).find(
          (r) => r.state === 'done' && Number(r.updated_at) >= skewedAt,
        );
      const ran = await eventually(ranAfterSkew, 20_000, 'the trash sweep');
      expect(Number(ran.run_at)).toBeLessThanOrEqual(skewedAt);
      expectProblem(await admin.client.get(`/api/photos/${photo.id}`), 404, 'not_found');
      // The run queued the next period's in its own transaction: one pending row, at the next hour.
      const pending = (await rowsOf(server.database, HOUSEKEEPING.trash)).filter(
        (r) => r.state === 'queued' || r.state === 'running',
      );
      expect(pending).toHaveLength(1);
      expect(Number(pending[0]?.run_at) % HOUR).toBe(0);
      expect(slotOf(pending[0] as JobRow)).toBeGreaterThan(slotOf(ran));
      // Finished sweeps are listed only when asked for (`all=true`): one every 15 s would crowd the list.
      const page = await admin.client.get<JobsPage>('/api/admin/jobs?limit=500&all=true');
      expect(page.body.items.some((j) => j.id === Number(ran.id) && j.state === 'done')).toBe(true);

      // A day on, the jobs sweep removes finished sweeps from before it, and leaves other jobs alone.
      const oldSweeps = before.filter((r) => KINDS.includes(r.kind as never) && r.state === 'done');
      expect(oldSweeps.length).toBeGreaterThan(0);
      await eventually(
        async () => {
          const ids = new Set(
            (await server.database.db.selectFrom('jobs').select('id').execute()).map((r) => r.id),
          );
          return oldSweeps.every((r) => !ids.has(r.id)) ? ids : undefined;
        },
        20_000,
        'the jobs sweep',
      );
      const others = before.filter((r) => !KINDS.includes(r.kind as never));
      expect(others.length).toBeGreaterThan(0);
      for (const r of others)
        expect(
          await server.database.db.selectFrom('jobs').select('id').where('id', '=', r.id).executeTakeFirst(),
        ).toBeDefined();
    } finally {
      clock.skew = 0;
    }
  });
});

describe('housekeeping with two instances on one PostgreSQL schema', () => {
  let database: TestDatabase;
  let keys: string;
  const start = () =>
    startTestServer('postgres', {
      database,
      clock,
      config: { mediaWorkers: 0, logKeyFile: path.join(keys, 'log.key') },
    });
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    keys = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-keys-'));
  });
  afterAll(async () => {
    clock.skew = 0;
    await database.close();
    fs.rmSync(keys, { recursive: true, force: true });
  });

  it('runs each sweep once per period, across a restart of both', async () => {
    let one = await start();
    let two = await start();
    const done = async () => (await rowsOf(database, HOUSEKEEPING.trash)).filter((r) => r.state === 'done');
    const onePendingEach = async () => {
      for (const kind of KINDS) {
        const rows = await rowsOf(database, kind);
        expect(
          rows.filter((r) => r.state === 'queued' || r.state === 'running'),
          kind,
        ).toHaveLength(1);
      }
    };
    try {
      await eventually(
        async () => ((await done()).length === 1 ? true : undefined),
        20_000,
        'the first sweep',
      );
      await onePendingEach();
      for (let hour = 1; hour <= 5; hour++) {
        if (hour === 3) {
          // Both instances stop; the hour passes with none running; new ones start and catch up, once.
          await one.close();
          await two.close();
          clock.skew += HOUR;
          one = await start();
          two = await start();
        } else clock.skew += HOUR;
        await eventually(
          async () => ((await done()).length === hour + 1 ? true : undefined),
          20_000,
          `hour ${hour}`,
        );
        await onePendingEach();
      }
      // Both instances keep checking and polling for a while within the hour: nothing runs twice.
      await new Promise((r) => setTimeout(r, 2500));
      const trash = await done();
      expect(trash).toHaveLength(6);
      const slots = trash.map(slotOf);
      expect(slots.slice(1).map((s, i) => s - (slots[i] ?? 0))).toEqual([HOUR, HOUR, HOUR, HOUR, HOUR]);
      // The 15-second sweep ran many times, and never twice for one period.
      // One per hour stepped at least; the last may still be on its way on a loaded machine, so wait for it.
      const security = await eventually(
        async () => {
          const rows = (await rowsOf(database, HOUSEKEEPING.security)).filter((r) => r.state === 'done');
          return rows.length >= 6 ? rows : undefined;
        },
        20_000,
        'six security sweeps',
      );
      expect(new Set(security.map(slotOf)).size).toBe(security.length);
      await onePendingEach();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
