import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, ActivityPage } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  createAccount,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { HOUSEKEEPING } from '../jobs/housekeeping.ts';

const DAY = 24 * 3600_000;
/** London: a public address (through the trusted test proxy), so the entry carries an IP and a place. */
const LONDON = '81.2.69.160';
const OWNER = 'keeper@example.com';

/** A clock the test moves forward; the server's housekeeping sweeps run on it. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

/** Every activity entry, newest first, following the cursors a few at a time (so paging is exercised). */
async function allActivity(client: TestClient, limit: number): Promise<ActivityItem[]> {
  const items: ActivityItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await client.get<ActivityPage>(`/api/activity?limit=${limit}${query}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

// Requirement 3: the account's activity is kept at least 400 days, whatever the periodic sweeps delete.
describe.each(DIALECTS)('activity kept for at least 400 days, on %s', (dialect) => {
  let server: TestServer;
  const phone = deviceDescription('Pixel 8', { model: 'GKWS6' });
  let first: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock, config: { mediaWorkers: 0 } });
    await createAccount(server.url, OWNER);
    first = await signIn(server.url, OWNER, phone, LONDON);
  });
  afterAll(async () => {
    clock.skew = 0;
    await server.close();
  });

  it('still lists a sign-in from 401 days ago after housekeeping ran, paging back to it', async () => {
    expect(first.response.device.status).toBe('trusted');
    const before = await allActivity(first.client, 50);
    const signedIn = before.filter((i) => i.kind === 'sign-in.succeeded' && i.device?.id === first.deviceId);
    expect(signedIn).toHaveLength(1);
    const old = signedIn[0] as ActivityItem;
    expect(old.ip).toBe(LONDON);
    expect(old.place?.country).toBeTruthy();

    clock.skew = 401 * DAY;
    const movedAt = clock.now();
    // Every sweep that deletes or ends something has run on the moved clock before the entries are read.
    const sweeps = [HOUSEKEEPING.sessions, HOUSEKEEPING.security, HOUSEKEEPING.jobs, HOUSEKEEPING.trash];
    await eventually(
      async () => {
        const done = await server.database.db
          .selectFrom('jobs')
          .select('kind')
          .where('kind', 'in', sweeps)
          .where('state', '=', 'done')
          .where('updated_at', '>=', movedAt)
          .execute();
        return sweeps.every((k) => done.some((d) => d.kind === k)) ? true : undefined;
      },
      30_000,
      'the housekeeping sweeps on the moved clock',
    );
    // Time did move for the server: the 401-day-old web session is over.
    expect((await first.client.get('/api/activity')).status).toBe(401);

    // The owner signs in again on the same phone (its device credential lets it straight in), and a few
    // failed attempts follow, so the old entry is several pages back.
    const again = await signIn(server.url, OWNER, phone, LONDON);
    expect(again.response.device.status).toBe('trusted');
    for (let i = 0; i < 3; i++) {
      const failed = await new TestClient(server.url, undefined, LONDON).post('/api/auth/sign-in', {
        email: OWNER,
        password: `not-it-${i}`,
        device: deviceDescription('someone'),
      });
      expect(failed.status).toBe(401);
    }

    const after = await allActivity(again.client, 2);
    const newest = after[0] as ActivityItem;
    expect(Date.parse(newest.at)).toBeGreaterThanOrEqual(movedAt - 1000);
    expect(after.length).toBeGreaterThan(4); // more than two pages of two
    const kept = after.find((i) => i.id === old.id);
    expect(kept).toEqual(old);
    expect(movedAt - Date.parse(kept?.at ?? '')).toBeGreaterThanOrEqual(401 * DAY - 60_000);
    // Newest first, all the way back to it.
    const times = after.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  }, 90_000);
});
