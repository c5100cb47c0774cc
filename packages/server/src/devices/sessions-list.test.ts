import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  expectProblem,
  pendingSession,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import type { SessionListItem } from './sessions.schemas.ts';

type Events = { items: { kind: string; body: Record<string, unknown> }[] };

/** Issue 4 req. 3: the owner lists the account's live sessions and ends any of them at once. */
describe.each(DIALECTS)('the session list on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const email = 'sessions-owner@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    owner = await adminSession(server.url, email);
  });
  afterAll(() => server.close());

  const list = async (who: SignedIn) => {
    const reply = await who.client.get<{ items: SessionListItem[] }>('/api/sessions');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.items;
  };

  it("lists the caller's current session and another device's, with their device and sign-in", async () => {
    const laptop = await approvedDevice(server.url, owner.client, email, 'Laptop');
    const items = await list(owner);
    const mine = items.find((s) => s.id === owner.response.session.id);
    const theirs = items.find((s) => s.id === laptop.response.session.id);
    expect(mine).toMatchObject({ current: true, deviceId: owner.deviceId, client: 'web' });
    expect(mine?.factors).toEqual(['password']);
    expect(Date.parse(mine?.createdAt ?? '')).toBe(Date.parse(owner.response.session.createdAt));
    expect(Date.parse(mine?.lastSeenAt ?? '')).toBeGreaterThanOrEqual(Date.parse(mine?.createdAt ?? ''));
    expect(theirs).toMatchObject({ current: false, deviceId: laptop.deviceId, deviceName: 'Laptop' });
    expect(items.filter((s) => s.current)).toHaveLength(1);
    // The laptop sees the same sessions, with its own as the current one.
    expect((await list(laptop)).find((s) => s.current)?.id).toBe(laptop.response.session.id);
  });

  it('ends a session at once: its token is refused, its socket closes within 1 s, and the log says so', async () => {
    const tablet = await approvedDevice(server.url, owner.client, email, 'Tablet');
    const live = await connectLive(server.url, tablet.response.token);
    const endedAt = Date.now();
    const reply = await owner.client.call('DELETE', `/api/sessions/${tablet.response.session.id}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(204);
    expectProblem(await tablet.client.get('/api/me'), 401, 'unauthenticated');
    expect((await live.closed) - endedAt).toBeLessThan(1000);
    expect(live.messages.some((m) => m.type === 'signed-out')).toBe(true);

    expect((await list(owner)).map((s) => s.id)).not.toContain(tablet.response.session.id);
    // The device stays: only its session ended.
    expect((await owner.client.get<{ status: string }>(`/api/devices/${tablet.deviceId}`)).body.status).toBe(
      'trusted',
    );
    const events = (await owner.client.get<Events>('/api/audit/events?limit=1000')).body.items;
    const ended = events.filter(
      (e) => e.kind === 'session.ended' && e.body['endedSessionId'] === tablet.response.session.id,
    );
    expect(ended.map((e) => e.body)).toEqual([
      expect.objectContaining({
        deviceId: owner.deviceId,
        sessionId: owner.response.session.id,
        endedDeviceId: tablet.deviceId,
        reason: 'ended-by-owner',
      }),
    ]);
    // The activity entry is about the tablet but names the device that ended it: "This wasn't me" acts on that one.
    type Activity = {
      items: { kind: string; device: { id: string } | null; byDevice: { id: string } | null }[];
    };
    const activity = (await owner.client.get<Activity>('/api/activity?limit=100')).body.items;
    const entry = activity.find((a) => a.kind === 'session.ended' && a.device?.id === tablet.deviceId);
    expect(entry?.byDevice?.id).toBe(owner.deviceId);
    // Ending it again finds no live session.
    expectProblem(
      await owner.client.call('DELETE', `/api/sessions/${tablet.response.session.id}`),
      404,
      'not_found',
    );
  });

  it("neither lists nor ends another account's sessions: 404, and the session keeps working", async () => {
    const other = await userSession(server.url, owner.client, 'sessions-other@example.com');
    const listed = await list(other);
    expect(listed.map((s) => s.id)).toEqual([other.response.session.id]);
    expect((await list(owner)).map((s) => s.id)).not.toContain(other.response.session.id);

    expectProblem(
      await other.client.call('DELETE', `/api/sessions/${owner.response.session.id}`),
      404,
      'not_found',
    );
    expectProblem(
      await owner.client.call('DELETE', `/api/sessions/${other.response.session.id}`),
      404,
      'not_found',
    );
    expect((await owner.client.get('/api/me')).status).toBe(200);
    expect((await other.client.get('/api/me')).status).toBe(200);
  });

  it('refuses a device that waits for approval: 403 device_pending, and ends nothing', async () => {
    const pending = await pendingSession(server.url, email);
    expectProblem(await pending.client.get('/api/sessions'), 403, 'device_pending');
    expectProblem(
      await pending.client.call('DELETE', `/api/sessions/${owner.response.session.id}`),
      403,
      'device_pending',
    );
    expect((await owner.client.get('/api/me')).status).toBe(200);
    // The owner sees the waiting device's session, and may end it.
    expect((await list(owner)).map((s) => s.id)).toContain(pending.response.session.id);
  });

  it('ending the current session signs it out', async () => {
    const phone = await approvedDevice(server.url, owner.client, email, 'Phone');
    expect((await phone.client.call('DELETE', `/api/sessions/${phone.response.session.id}`)).status).toBe(
      204,
    );
    expectProblem(await phone.client.get('/api/me'), 401, 'unauthenticated');
  });
});
