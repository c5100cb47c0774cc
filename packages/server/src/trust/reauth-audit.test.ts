import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, SignInResponse } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  PASSWORD,
  createAccount,
  approvedDevice,
  deviceDescription,
  TestClient,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { WEB_IDLE_MS } from '../devices/session-lifetime.ts';

const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

type Events = { items: { kind: string; body: Record<string, unknown> }[] };

describe.each(DIALECTS)('re-authentication and session expiry on the record, on %s', (dialect) => {
  let server: TestServer;
  let owner: TestClient;
  let ownerDeviceId: string;
  const email = 'reauth-audit@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    await createAccount(server.url, email);
    // A device session (the CLI's kind): it outlives the web session the test lets expire.
    const reply = await new TestClient(server.url).post<SignInResponse>('/api/auth/sign-in', {
      email,
      password: PASSWORD,
      device: deviceDescription('Owner phone'),
      client: 'device',
    });
    owner = new TestClient(server.url, reply.body.token);
    ownerDeviceId = reply.body.device.id;
  });
  afterEach(() => {
    clock.skew = 0;
  });
  afterAll(() => server.close());

  const activity = async () => (await owner.get<ActivityPage>('/api/activity?limit=200')).body.items;
  const events = async () => (await owner.get<Events>('/api/audit/events?limit=1000')).body.items;

  it('records failed and successful re-authentication in the audit log and the activity', async () => {
    expect((await owner.post('/api/session/reauth', { password: 'not-the-password' })).status).toBe(401);
    expect((await owner.post('/api/session/reauth', { code: '123456' })).status).toBe(409);
    expect((await owner.post('/api/session/reauth', { password: PASSWORD })).status).toBe(200);
    const logged = (await events()).filter((e) => e.kind.startsWith('reauth.'));
    expect(logged.map((e) => e.kind)).toEqual(['reauth.failed', 'reauth.succeeded']);
    expect(logged[0]?.body).toMatchObject({ deviceId: ownerDeviceId, factor: 'password', reason: 'wrong' });
    const items = (await activity()).filter((a) => a.kind.startsWith('reauth.'));
    expect(items.map((a) => [a.kind, a.result, a.factors])).toEqual([
      ['reauth.succeeded', 'success', ['password']],
      ['reauth.failed', 'failure', ['password']],
    ]);
    expect(items[0]?.device?.id).toBe(ownerDeviceId);
  });

  it('records sessions ended by expiry, naming the device, and shows them in the activity', async () => {
    const laptop = await approvedDevice(server.url, owner, email, 'Idle laptop');
    clock.skew = WEB_IDLE_MS + 60_000;
    // This pass ends the idle laptop's session, unless the running housekeeping (it polls every second) swept during
    // the move and ended it first: either way it ended for its age, and once (below).
    await server.app.services.sessionExpiry.markExpired();
    const session = await server.database.db
      .selectFrom('sessions')
      .select(['revoke_reason'])
      .where('id', '=', laptop.response.session.id)
      .executeTakeFirstOrThrow();
    expect(session.revoke_reason).toBe('expired');
    expect((await laptop.client.get('/api/me')).status).toBe(401);
    const ended = (await events()).filter(
      (e) => e.kind === 'session.ended' && e.body['reason'] === 'expired',
    );
    expect(ended.map((e) => e.body['endedDeviceId'])).toContain(laptop.deviceId);
    expect(ended.every((e) => e.body['deviceId'] === null)).toBe(true);
    const item = (await activity()).find(
      (a) => a.kind === 'session.ended' && a.device?.id === laptop.deviceId,
    );
    expect(item).toMatchObject({ byDeviceId: null, detail: { reason: 'expired' } });
    // A second pass finds nothing more to end, and records nothing twice.
    expect(await server.app.services.sessionExpiry.markExpired()).toBe(0);
    expect(
      (await events()).filter((e) => e.body['endedSessionId'] === ended[0]?.body['endedSessionId']),
    ).toHaveLength(1);
  });
});
