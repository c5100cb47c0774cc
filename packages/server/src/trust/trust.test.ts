import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem, WhoAmI } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  expectProblem,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';

interface Request {
  id: string;
  device: { id: string; name: string };
  place: { city: string | null } | null;
  ip: string | null;
}

/** A clock the test can move forward. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

describe.each(DIALECTS)('letting a new device in, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;

  const requestFor = async (deviceId: string) => {
    const list = await owner.client.get<{ items: Request[] }>('/api/enrolments');
    const found = list.body.items.find((r) => r.device.id === deviceId);
    if (!found) throw new Error('request not listed');
    return found;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, 'owner@example.com');
  });
  afterAll(() => server.close());

  it('keeps a pending device out of everything until it is let in, then lets it in with the code', async () => {
    // A stranger with the owner's password, from Beijing (through the trusted test proxy).
    const stranger = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('Redmi K40', { model: 'M2012K11AC' }),
      '162.105.1.1',
    );
    expect(stranger.response.device.status).toBe('pending');
    for (const path of [
      '/api/photos',
      '/api/albums',
      '/api/sync/state',
      '/api/devices/x',
      '/api/enrolments',
    ]) {
      const reply = await stranger.client.get<Problem>(path);
      expect(`${reply.status} ${reply.body.code}`, path).toBe('403 device_pending');
    }
    const request = await requestFor(stranger.deviceId);
    expect(request).toMatchObject({
      device: { name: 'Redmi K40' },
      ip: '162.105.1.1',
      place: { city: 'Beijing' },
    });

    const noCodeYet = await stranger.client.post<Problem>('/api/auth/enrolment/complete', { code: '123456' });
    expect(noCodeYet.body.code).toBe('conflict');
    const allowed = await owner.client.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
    expect(allowed.body.code).toMatch(/^\d{6}$/);
    const wrong = allowed.body.code === '000000' ? '000001' : '000000';
    expect(
      (await stranger.client.post<Problem>('/api/auth/enrolment/complete', { code: wrong })).status,
    ).toBe(401);
    expect(
      (await stranger.client.post('/api/auth/enrolment/complete', { code: allowed.body.code })).status,
    ).toBe(200);
    const me = await stranger.client.get<WhoAmI>('/api/me');
    expect(me.body.device.status).toBe('trusted');
    expect((await stranger.client.get('/api/photos')).status).toBe(200);
    // The code was single-use: the attempt is closed.
    const reuse = await owner.client.post<Problem>(`/api/enrolments/${request.id}/allow`);
    expect(reuse.status).toBe(409);
  });

  it("ends the attempt on Don't allow: sessions end and nothing is left", async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Unknown phone'));
    const request = await requestFor(stranger.deviceId);
    expect((await owner.client.post(`/api/enrolments/${request.id}/deny`)).status).toBe(200);
    expect((await stranger.client.get('/api/me')).status).toBe(401);
    const devices = await owner.client.get<{ items: { id: string; status: string }[] }>('/api/devices');
    expect(devices.body.items.find((d) => d.id === stranger.deviceId)?.status).toBe('denied');
  });

  it('ends the attempt after 5 wrong codes', async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Guessing phone'));
    const request = await requestFor(stranger.deviceId);
    const { body } = await owner.client.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
    const wrong = body.code === '111111' ? '222222' : '111111';
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await stranger.client.post('/api/auth/enrolment/complete', { code: wrong })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // Even the right code no longer works: the session is gone.
    expect((await stranger.client.post('/api/auth/enrolment/complete', { code: body.code })).status).toBe(
      401,
    );
  });

  it('expires an attempt after 10 minutes', async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Slow phone'));
    const request = await requestFor(stranger.deviceId);
    const { body } = await owner.client.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
    clock.skew += 10 * 60_000 + 1000;
    try {
      const late = await stranger.client.post<Problem>('/api/auth/enrolment/complete', { code: body.code });
      // The late code finds the attempt over. Unless the running housekeeping (it polls every second) swept during
      // the move: then it had ended the attempt already, and the device's session with it.
      if (late.status === 401) expectProblem(late, 401, 'unauthenticated');
      else expectProblem(late, 403, 'device_not_trusted');
      const attempt = await server.database.db
        .selectFrom('enrolments')
        .select(['state', 'decided_factor'])
        .where('id', '=', request.id)
        .executeTakeFirstOrThrow();
      expect(attempt).toEqual({ state: 'expired', decided_factor: 'expiry' });
      expect((await stranger.client.get('/api/me')).status).toBe(401);
    } finally {
      clock.skew = 0;
    }
  });

  it('does not let another account decide', async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Yet another phone'));
    const request = await requestFor(stranger.deviceId);
    const other = await userSession(server.url, owner.client, 'other@example.com');
    expect((await other.client.post(`/api/enrolments/${request.id}/allow`)).status).toBe(404);
    expect((await other.client.post(`/api/enrolments/${request.id}/deny`)).status).toBe(404);
    expect((await other.client.get<{ items: unknown[] }>('/api/enrolments')).body.items).toEqual([]);
  });

  it('asks again when a removed device signs in again', async () => {
    const description = deviceDescription('laptop');
    const laptop = await signIn(server.url, 'owner@example.com', description);
    const request = await requestFor(laptop.deviceId);
    const { body } = await owner.client.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
    await laptop.client.post('/api/auth/enrolment/complete', { code: body.code });
    expect((await owner.client.call('DELETE', `/api/devices/${laptop.deviceId}`)).status).toBe(200);
    const back = await signIn(server.url, 'owner@example.com', description);
    expect(back.deviceId).toBe(laptop.deviceId);
    expect(back.response.device.status).toBe('pending');
    expect((await back.client.get('/api/photos')).status).toBe(403);
  });
});
