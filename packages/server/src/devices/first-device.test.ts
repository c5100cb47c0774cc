import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeviceDescription,
  Problem,
  SignInResponse,
  TotpConfirmed,
  TotpSetup,
  WhoAmI,
} from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  createAccount,
  deviceDescription,
  expectProblem,
  PASSWORD,
  signIn,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { base32Decode, totp } from '../trust/totp.ts';

/** A clock the test moves on by a TOTP step, since a code is never accepted twice. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
const codeNow = (secret: string) => totp(base32Decode(secret), clock.now());

/**
 * Only the very first device of an account is trusted without approval (issue 4). An account whose trusted devices
 * were all removed is not new again: the next password sign-in, even of a device it once trusted, waits for a
 * second factor, and a refused stranger does not get in by waiting until the owner's devices are gone.
 */
describe.each(DIALECTS)('the first device of an account, on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock, config: { mediaWorkers: 0 } });
    admin = await adminSession(server.url, 'admin@example.com');
  });
  afterAll(() => server.close());

  const status = async (client: TestClient) => (await client.get<WhoAmI>('/api/me')).body.device.status;

  it('trusts only one of several first sign-ins that race on a brand-new account', async () => {
    await createAccount(server.url, 'race@example.com', admin.client);
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new TestClient(server.url).post<SignInResponse>('/api/auth/sign-in', {
          email: 'race@example.com',
          password: PASSWORD,
          device: deviceDescription(`racer ${i}`),
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    const statuses = replies.map((r) => r.body.device.status).sort();
    expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'trusted']);
  });

  it('keeps every later device pending once the trusted ones are all removed, until a second factor lets it in', async () => {
    const email = 'emptied@example.com';
    await createAccount(server.url, email, admin.client);
    const laptopDevice: DeviceDescription = deviceDescription('Owner laptop');
    const laptop = await signIn(server.url, email, laptopDevice);
    expect(laptop.response.device.status).toBe('trusted');
    // An authenticator app and its recovery codes: what the owner has left once no device is trusted.
    const setup = await laptop.client.post<TotpSetup>('/api/account/totp', { password: PASSWORD });
    const secret = setup.body.secret;
    const confirmed = await laptop.client.post<TotpConfirmed>('/api/account/totp/confirm', {
      code: codeNow(secret),
    });
    expect(confirmed.status).toBe(200);
    const recovery = confirmed.body.recoveryCodes?.codes ?? [];
    expect(recovery).toHaveLength(10);

    // A stranger with the password is refused, and then waits for the owner's devices to be gone.
    const strangerDevice = deviceDescription('Stranger phone');
    const stranger = await signIn(server.url, email, strangerDevice, '210.39.1.1');
    expect(stranger.response.device.status).toBe('pending');
    const requests = await laptop.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === stranger.deviceId);
    expect((await laptop.client.post(`/api/enrolments/${request?.id ?? ''}/deny`)).status).toBe(200);

    // The owner removes the very device they are using: the account has no trusted device left.
    const removed = await laptop.client.call('DELETE', `/api/devices/${laptop.deviceId}`);
    expect(removed.status).toBe(200);
    expect((await laptop.client.get('/api/me')).status).toBe(401);
    const trusted = await server.database.db
      .selectFrom('devices')
      .select('id')
      .where('account_id', '=', laptop.account.id)
      .where('status', '=', 'trusted')
      .execute();
    expect(trusted).toEqual([]);

    // A device never seen before, the removed laptop (it still sends its old credential) and the refused stranger.
    const newcomer = await signIn(server.url, email, deviceDescription('New tablet'));
    const again = await signIn(server.url, email, laptopDevice);
    const strangerAgain = await signIn(server.url, email, strangerDevice, '210.39.1.1');
    for (const s of [newcomer, again, strangerAgain]) {
      expect(s.response.device.status).toBe('pending');
      expect(s.response.deviceCredential).toBeUndefined();
      expectProblem(await s.client.get('/api/photos'), 403, 'device_pending');
    }
    expect(again.deviceId).toBe(laptop.deviceId);
    expect(strangerAgain.deviceId).toBe(stranger.deviceId);

    // The owner's own devices still get in with a second factor: a recovery code, then the authenticator app.
    const byRecovery = await again.client.post('/api/auth/enrolment/verify', {
      method: 'recovery-code',
      code: recovery[0],
    });
    expect(byRecovery.status).toBe(200);
    expect(await status(again.client)).toBe('trusted');
    expect((await again.client.get('/api/photos')).status).toBe(200);
    clock.skew += 30_000;
    const byTotp = await newcomer.client.post('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeNow(secret),
    });
    expect(byTotp.status).toBe(200);
    expect(await status(newcomer.client)).toBe('trusted');
    // The stranger, without a factor, is still waiting.
    expect(await status(strangerAgain.client)).toBe('pending');
    const guess = await strangerAgain.client.post<Problem>('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeNow(secret) === '000000' ? '000001' : '000000',
    });
    expect(guess.status).toBe(401);
    expect(await status(strangerAgain.client)).toBe('pending');
  });

  it('does not trust a new device of an account whose only device was refused before any was trusted', async () => {
    // Cannot happen through sign-in (the first device is trusted), but the rule is "never had a device", not
    // "has no trusted device": a denied row alone keeps the account past its first device.
    const email = 'denied-only@example.com';
    await createAccount(server.url, email, admin.client);
    const first = await signIn(server.url, email, deviceDescription('First'));
    expect(first.response.device.status).toBe('trusted');
    await server.database.db
      .updateTable('devices')
      .set({ status: 'denied', credential_hash: null })
      .where('id', '=', first.deviceId)
      .execute();
    const next = await signIn(server.url, email, deviceDescription('Next'));
    expect(next.response.device.status).toBe('pending');
  });
});
