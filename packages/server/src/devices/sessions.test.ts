import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, WhoAmI } from '@shoebox/shared';
import type { Clock } from '../platform/clock.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  approvedDevice,
  createAccount,
  deviceDescription,
  expectProblem,
  PASSWORD,
  signIn,
  TestClient,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { DEVICE_IDLE_MS, WEB_IDLE_MS } from './session-lifetime.ts';

/** A clock the test can move forward. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
const DAY_MS = 86_400_000;

/** Authentication of every request: one lookup of session, device and account, then the checks. */
describe.each(DIALECTS)('sessions on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const ownerPhone = deviceDescription('owner-phone');

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock, config: { mediaWorkers: 0 } });
    await createAccount(server.url, 'owner@example.com');
    owner = await signIn(server.url, 'owner@example.com', ownerPhone);
  });
  afterAll(() => server.close());

  /**
   * The owner signs in afresh on the same (trusted) phone: a test that moves the clock lets the running
   * housekeeping end, for good, every session the move left idle — the owner's earlier one included.
   */
  const freshOwner = () => signIn(server.url, 'owner@example.com', ownerPhone);

  const sessionRow = (id: string) =>
    server.database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('resolves a token to its own account, device and session', async () => {
    const other = await userSession(server.url, owner.client, 'other@example.com');
    for (const who of [owner, other]) {
      const me = await who.client.get<WhoAmI>('/api/me');
      expect(me.status).toBe(200);
      expect(me.body.account).toEqual(who.response.account);
      expect(me.body.device.id).toBe(who.deviceId);
      expect(me.body.device.status).toBe('trusted');
      expect(me.body.session).toEqual(who.response.session);
    }
  });

  it('keeps a session that is used alive past its first expiry, and records the use', async () => {
    await createAccount(server.url, 'daily@example.com', owner.client);
    const signedIn = await new TestClient(server.url).post<{ token: string; session: { id: string } }>(
      '/api/auth/sign-in',
      { email: 'daily@example.com', password: PASSWORD, device: deviceDescription(), client: 'device' },
    );
    const phone = {
      client: new TestClient(server.url, signedIn.body.token),
      response: signedIn.body,
      deviceId: (await new TestClient(server.url, signedIn.body.token).get<WhoAmI>('/api/me')).body.device.id,
    };
    const SESSION_TTL_MS = DEVICE_IDLE_MS;
    const signedInAt = (await sessionRow(phone.response.session.id)).expires_at - SESSION_TTL_MS;
    try {
      // A device used every few weeks keeps its session for good (well past a browser's 30 days).
      for (const days of [20, 40, 60, 120, 200]) {
        clock.skew = days * DAY_MS;
        expect((await phone.client.get('/api/me')).status, `day ${days}`).toBe(200);
        const row = await sessionRow(phone.response.session.id);
        expect(row.last_used_at).toBeGreaterThanOrEqual(signedInAt + days * DAY_MS);
        expect(row.expires_at).toBeGreaterThanOrEqual(signedInAt + days * DAY_MS + SESSION_TTL_MS);
      }
      const devices = await phone.client.get<{ items: Device[] }>('/api/devices');
      const seen = devices.body.items.find((d) => d.id === phone.deviceId)?.lastSeenAt;
      expect(Date.parse(seen ?? '')).toBeGreaterThanOrEqual(signedInAt + 200 * DAY_MS);
    } finally {
      clock.skew = 0;
    }
  });

  it('refuses a session left unused past its expiry', async () => {
    owner = await freshOwner();
    const idle = await userSession(server.url, owner.client, 'idle@example.com');
    try {
      clock.skew = WEB_IDLE_MS + 1000;
      expectProblem(await idle.client.get('/api/me'), 401, 'session_expired');
      expectProblem(await idle.client.get('/api/timeline'), 401, 'session_expired');
    } finally {
      clock.skew = 0;
    }
    // At the real time the same token still works: it was refused for its age alone. Unless the running
    // housekeeping (it polls every second) swept during the move: then it ended the session for good, as it must.
    const row = await sessionRow(idle.response.session.id);
    if (row.revoke_reason === 'expired')
      expectProblem(await idle.client.get('/api/me'), 401, 'session_expired');
    else expect((await idle.client.get('/api/me')).status).toBe(200);
  });

  it('refuses a signed-out session and the sessions of a removed device', async () => {
    owner = await freshOwner();
    const leaving = await userSession(server.url, owner.client, 'leaving@example.com');
    expect((await leaving.client.post('/api/auth/sign-out')).status).toBe(204);
    expectProblem(await leaving.client.get('/api/me'), 401, 'unauthenticated');

    const laptop = await approvedDevice(server.url, owner.client, 'owner@example.com', 'laptop');
    expect((await laptop.client.get('/api/timeline')).status).toBe(200);
    expect((await owner.client.call('DELETE', `/api/devices/${laptop.deviceId}`)).status).toBe(200);
    expectProblem(await laptop.client.get('/api/me'), 401, 'unauthenticated');
    // Even if the session row were still live, a removed device is refused.
    await server.database.db
      .updateTable('sessions')
      .set({ revoked_at: null, revoke_reason: null })
      .where('device_id', '=', laptop.deviceId)
      .execute();
    expectProblem(await laptop.client.get('/api/me'), 401, 'unauthenticated');
  });
});
