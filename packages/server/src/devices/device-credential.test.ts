import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDescription, SignInResponse, WhoAmI } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  createAccount,
  deviceDescription,
  expectProblem,
  PASSWORD,
  TestClient,
  waitUntil,
  type SignedIn,
} from '../../test/support/api.ts';

/** A sign-in that sends exactly the credential given (none: the thief who has only the installation id). */
async function signInWith(url: string, email: string, device: DeviceDescription, deviceCredential?: string) {
  const reply = await new TestClient(url, undefined, '162.105.1.1').post<SignInResponse>(
    '/api/auth/sign-in',
    {
      email,
      password: PASSWORD,
      device,
      deviceCredential,
    },
  );
  expect(reply.status).toBe(200);
  return { client: new TestClient(url, reply.body.token), response: reply.body };
}

/** Re-sign-in of a trusted device needs its credential; the installation id alone asks for approval again. */
describe.each(DIALECTS)('device credentials on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    owner = await adminSession(server.url, 'owner@example.com');
  });
  afterAll(() => server.close());

  const deviceRow = (id: string) =>
    server.database.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** A second account whose first device (a laptop) is trusted, with the credential it was given. */
  async function trustedLaptop(email: string) {
    await createAccount(server.url, email, owner.client);
    const device = deviceDescription('laptop');
    const first = await signInWith(server.url, email, device);
    expect(first.response.device.status).toBe('trusted');
    expect(first.response.deviceCredential).toMatch(/^[\w-]{43}$/); // 256 bits, base64url
    return { device, first, credential: first.response.deviceCredential ?? '' };
  }

  it('keeps only the hash: a stolen installation id and the password give a new pending device, and the owner is told', async () => {
    const { device, first, credential } = await trustedLaptop('stolen-id@example.com');
    const laptopId = first.response.device.id;
    const stored = await deviceRow(laptopId);
    expect(stored.credential_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.credential_hash).not.toContain(credential);
    const live = await connectLive(server.url, first.response.token);

    const thief = await signInWith(server.url, 'stolen-id@example.com', device);
    // A device of its own, under an id the server chose, which the client is told to keep.
    expect(thief.response.device.status).toBe('pending');
    expect(thief.response.device.id).not.toBe(laptopId);
    expect(thief.response.device.riskFlags).toContain('copied-installation-id');
    expect(thief.response.deviceCredential).toBeUndefined();
    const assigned = thief.response.installationId ?? '';
    expect(assigned).toMatch(/^[0-9a-f-]{36}$/);
    expect(assigned).not.toBe(device.installationId);
    expect((await deviceRow(thief.response.device.id)).installation_id).toBe(assigned);
    expectProblem(await thief.client.get('/api/photos'), 403, 'device_pending');
    // The real laptop is untouched, and its session keeps working during the attempt.
    expect(await deviceRow(laptopId)).toEqual(stored);
    expect((await first.client.get('/api/photos')).status).toBe(200);
    // The same notices as any new sign-in, about the new device.
    await waitUntil(
      () =>
        live.messages.some(
          (m) =>
            m.event === 'enrolment.requested' && JSON.stringify(m.data).includes(thief.response.device.id),
        ),
      20_000,
      'the notice',
    );
    live.socket.close();
    // The audit record says whose installation id the attempt gave.
    const events = await first.client.get<{
      items: { kind: string; body: { deviceId: string; claimedDeviceId?: string } }[];
    }>('/api/audit/events?limit=50');
    const signIn = events.body.items.find(
      (e) => e.kind === 'sign-in.succeeded' && e.body.deviceId === thief.response.device.id,
    );
    expect(signIn?.body.claimedDeviceId).toBe(laptopId);
    // The attempt counts for nothing toward trust: the thief cannot sign in again as a "first device".
    const again = await signInWith(server.url, 'stolen-id@example.com', deviceDescription('thief-2'));
    expect(again.response.device.status).toBe('pending');
    expect(again.response.installationId).toBeUndefined();

    // The real laptop signs in again with its credential: trusted, the same device, no new id.
    const back = await signInWith(server.url, 'stolen-id@example.com', device, credential);
    expect(back.response.device).toMatchObject({ id: laptopId, status: 'trusted' });
    expect(back.response.installationId).toBeUndefined();
    expect((await back.client.get('/api/photos')).status).toBe(200);
    expect((await first.client.get('/api/photos')).status).toBe(200);
  });

  it('leaves the real device alone when the attempt is refused', async () => {
    const { device, first, credential } = await trustedLaptop('refused@example.com');
    const laptopId = first.response.device.id;
    const phone = await approvedDevice(server.url, first.client, 'refused@example.com', 'phone');
    const before = await deviceRow(laptopId);
    const thief = await signInWith(server.url, 'refused@example.com', device);
    const list = await phone.client.get<{
      items: { id: string; device: { id: string }; riskFlags: string[] }[];
    }>('/api/enrolments');
    expect(list.body.items.some((r) => r.device.id === laptopId)).toBe(false);
    const request = list.body.items.find((r) => r.device.id === thief.response.device.id);
    // The request says why it is suspect: the laptop's id, without the laptop's credential.
    expect(request?.riskFlags).toEqual(['copied-installation-id']);
    expect((await phone.client.post(`/api/enrolments/${request?.id ?? ''}/deny`)).status).toBe(200);
    // Refusing the attempt refuses the attempt's device only.
    expect((await deviceRow(thief.response.device.id)).status).toBe('denied');
    expect(await deviceRow(laptopId)).toEqual(before);
    expectProblem(await thief.client.get('/api/me'), 401, 'unauthenticated');
    expect((await first.client.get('/api/photos')).status).toBe(200);
    const back = await signInWith(server.url, 'refused@example.com', device, credential);
    expect(back.response.device).toMatchObject({ id: laptopId, status: 'trusted' });
  });

  it('replaces the credential at each trusted sign-in: the old one then asks for approval', async () => {
    const { device, credential } = await trustedLaptop('rotate@example.com');
    const second = await signInWith(server.url, 'rotate@example.com', device, credential);
    expect(second.response.device.status).toBe('trusted');
    const next = second.response.deviceCredential ?? '';
    expect(next).toMatch(/^[\w-]{43}$/);
    expect(next).not.toBe(credential);
    const replayed = await signInWith(server.url, 'rotate@example.com', device, credential);
    expect(replayed.response.device.status).toBe('pending');
    expect(replayed.response.device.id).not.toBe(second.response.device.id);
    expect(replayed.response.deviceCredential).toBeUndefined();
    const third = await signInWith(server.url, 'rotate@example.com', device, next);
    expect(third.response.device.status).toBe('trusted');
  });

  it("forgets a removed device's credential", async () => {
    await createAccount(server.url, 'removed@example.com', owner.client);
    const phone = await signInWith(server.url, 'removed@example.com', deviceDescription('phone'));
    const laptop = deviceDescription('laptop');
    const pending = await signInWith(server.url, 'removed@example.com', laptop);
    const list = await phone.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = list.body.items.find((r) => r.device.id === pending.response.device.id);
    const allowed = await phone.client.post<{ code: string }>(`/api/enrolments/${request?.id ?? ''}/allow`);
    const done = await pending.client.post<{ deviceCredential?: string }>('/api/auth/enrolment/complete', {
      code: allowed.body.code,
    });
    const credential = done.body.deviceCredential ?? '';
    expect(credential).toMatch(/^[\w-]{43}$/);
    const laptopId = pending.response.device.id;
    expect((await phone.client.call('DELETE', `/api/devices/${laptopId}`)).status).toBe(200);
    expect((await deviceRow(laptopId)).credential_hash).toBeNull();
    const back = await signInWith(server.url, 'removed@example.com', laptop, credential);
    expect(back.response.device).toMatchObject({ id: laptopId, status: 'pending' });
  });

  it('gives a device trusted before credentials existed one credential, once, and only if trusted', async () => {
    const { device, first } = await trustedLaptop('upgrade@example.com');
    const id = first.response.device.id;
    await server.database.db
      .updateTable('devices')
      .set({ credential_hash: null })
      .where('id', '=', id)
      .execute();
    const issued = await first.client.post<{ deviceCredential: string }>('/api/devices/me/credential');
    expect(issued.status).toBe(200);
    expect(issued.body.deviceCredential).toMatch(/^[\w-]{43}$/);
    expectProblem(await first.client.post('/api/devices/me/credential'), 409, 'conflict');
    const events = await first.client.get<{ items: { kind: string; body: { deviceId: string } }[] }>(
      '/api/audit/events?limit=50',
    );
    expect(events.body.items.find((e) => e.kind === 'device.credential-issued')?.body.deviceId).toBe(id);
    // A pending device (here the thief's attempt, holding no credential) gets none.
    const other = await signInWith(server.url, 'upgrade@example.com', deviceDescription('tablet'));
    expectProblem(await other.client.post('/api/devices/me/credential'), 403, 'device_pending');
    const back = await signInWith(server.url, 'upgrade@example.com', device, issued.body.deviceCredential);
    expect(back.response.device.status).toBe('trusted');
    const me = await back.client.get<WhoAmI>('/api/me');
    expect(me.body.device.id).toBe(id);
  });
});
