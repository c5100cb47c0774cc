import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, PasskeyAdded, PasskeyRemoved, SignInResponse } from '@shoebox/shared';
import { DIALECTS, openTestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { SoftwareAuthenticator, addPasskey } from '../../test/support/software-authenticator.ts';
import {
  PASSWORD,
  adminSession,
  approvedDevice,
  deviceDescription,
  expectProblem,
  signIn,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { LIMITS } from '../devices/sign-in-throttle.ts';
import { MAX_OUTSTANDING_CHALLENGES_PER_IP } from './passkey-sign-in.service.ts';

const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
type Options = Record<string, unknown>;
const MIN = 60_000;

/** A passkey sign-in from `ip` (forwarded by the trusted test proxy); `origin` makes the assertion fail. */
async function passkeySignIn(
  url: string,
  ip: string,
  key: SoftwareAuthenticator,
  device = deviceDescription('Passkey device'),
  origin?: string,
) {
  const anonymous = new TestClient(url, undefined, ip);
  const options = await anonymous.post<Options>('/api/auth/passkey/options');
  if (options.status !== 200) return options;
  const credential = key.get(options.body, origin ? { origin } : {});
  return anonymous.post<SignInResponse>('/api/auth/passkey/sign-in', { credential, device });
}

describe.each(DIALECTS)('passkey re-authentication and limits, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let key: SoftwareAuthenticator;
  const email = 'limits@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, email);
    key = new SoftwareAuthenticator(server.url, { userVerified: true });
  });
  afterAll(() => server.close());

  it('adds and removes passkeys under the 15-minute rule, signing out other sessions unless told not to', async () => {
    // Signed in just now: no password needed.
    const options = await owner.client.post<Options>('/api/account/passkeys/options', {});
    expect(options.status).toBe(200);
    // Let in, not left pending: a pending device's attempt ends after 10 minutes, and the running housekeeping (it
    // polls every second) may end it, with its session, during the 16-minute move below.
    const other = await approvedDevice(server.url, owner.client, email, 'Second browser');
    const kept = await owner.client.post<PasskeyAdded>('/api/account/passkeys', {
      name: 'Phone',
      credential: key.create(options.body),
      signOutOtherSessions: false,
    });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ name: 'Phone', endedSessions: 0 });
    expect((await other.client.get('/api/me')).status).toBe(200);

    clock.skew = 16 * MIN;
    try {
      const stale = await owner.client.post('/api/account/passkeys/options', {});
      expectProblem(stale, 403, 'reauth_required');
      const spare = new SoftwareAuthenticator(server.url);
      const again = await owner.client.post<Options>('/api/account/passkeys/options', { password: PASSWORD });
      expect(again.status).toBe(200);
      const added = await owner.client.post<PasskeyAdded>('/api/account/passkeys', {
        name: 'Spare key',
        credential: spare.create(again.body),
      });
      // Left out, signOutOtherSessions counts as true: the second browser is signed out.
      expect(added.body.endedSessions).toBe(1);
      expect((await other.client.get('/api/me')).status).toBe(401);

      const path = `/api/account/passkeys/${added.body.id}/remove`;
      expectProblem(await owner.client.post(path, {}), 403, 'reauth_required');
      const third = await signIn(server.url, email, deviceDescription('Third browser'));
      const removed = await owner.client.post<PasskeyRemoved>(path, { password: PASSWORD });
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ endedSessions: 1 });
      expect((await third.client.get('/api/me')).status).toBe(401);
    } finally {
      clock.skew = 0;
    }
  });

  it('counts failed passkey sign-ins per account and logs them with factor passkey; trusted devices stay exempt', async () => {
    const attacker = '81.2.69.160';
    // A laptop let in earlier by this passkey: the account trusts it.
    const laptop = deviceDescription('Trusted laptop');
    expect((await passkeySignIn(server.url, '2.125.160.216', key, laptop)).status).toBe(200);
    for (let i = 0; i <= LIMITS.accountFreeFailures; i++) {
      const refused = await passkeySignIn(server.url, attacker, key, undefined, 'https://evil.example.net');
      expect(refused.status).toBe(401);
    }
    const rows = await server.database.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('ip', '=', attacker)
      .execute();
    expect(rows).toHaveLength(LIMITS.accountFreeFailures + 1);
    expect(rows.every((r) => r.account_id === owner.account.id)).toBe(true);
    // The account is now delayed: even the right passkey on a new device from elsewhere waits.
    const delayed = await passkeySignIn(server.url, '2.125.160.216', key);
    expect(delayed.status).toBe(429);
    // A device the account already trusts is not locked out by an attack from elsewhere.
    const trusted = await passkeySignIn(server.url, '2.125.160.216', key, laptop);
    expect(trusted.status).toBe(200);

    const activity = await owner.client.get<ActivityPage>('/api/activity?limit=200');
    const failed = activity.body.items.filter((a) => a.kind === 'sign-in.failed' && a.ip === attacker);
    expect(failed).toHaveLength(LIMITS.accountFreeFailures + 1);
    expect(failed[0]).toMatchObject({
      result: 'failure',
      factors: ['passkey'],
      detail: { failedFactor: 'passkey' },
    });

    clock.skew = LIMITS.accountFirstDelayMs + 1000;
    try {
      const later = await passkeySignIn(server.url, '2.125.160.216', key);
      expect(later.status).toBe(200);
    } finally {
      clock.skew = 0;
    }
  });

  it('blocks an address after 100 failures a day, options included, with unknown passkeys', async () => {
    const sprayer = '89.160.20.112';
    // Created but never registered: the server knows no such credential.
    const unknown = new SoftwareAuthenticator(server.url);
    const anonymous = new TestClient(server.url, undefined, sprayer);
    unknown.create((await owner.client.post<Options>('/api/account/passkeys/options', {})).body);
    for (let i = 0; i < LIMITS.ipMaxPerDay; i++) {
      const reply = await passkeySignIn(server.url, sprayer, unknown);
      expect(reply.status).toBe(401);
    }
    expectProblem(await anonymous.post('/api/auth/passkey/options'), 429, 'rate_limited');
    // A good passkey from the blocked address is refused too; from elsewhere it works.
    expect((await passkeySignIn(server.url, sprayer, key)).status).toBe(429);
    expect((await passkeySignIn(server.url, '216.160.83.56', key)).status).toBe(200);
    const rows = await server.database.db
      .selectFrom('sign_in_failures')
      .select('account_id')
      .where('ip', '=', sprayer)
      .execute();
    expect(rows.every((r) => r.account_id === null)).toBe(true);
  });

  it('caps unanswered sign-in challenges per address', async () => {
    const flooder = new TestClient(server.url, undefined, '175.16.199.5');
    for (let i = 0; i < MAX_OUTSTANDING_CHALLENGES_PER_IP; i++)
      expect((await flooder.post('/api/auth/passkey/options')).status).toBe(200);
    const refused = expectProblem(await flooder.post('/api/auth/passkey/options'), 429, 'rate_limited');
    expect(refused.detail).toMatch(/try again in \d+ s/);
    const outstanding = await server.database.db
      .selectFrom('webauthn_challenges')
      .select('challenge')
      .where('ip', '=', '175.16.199.5')
      .execute();
    expect(outstanding).toHaveLength(MAX_OUTSTANDING_CHALLENGES_PER_IP);
    // Another address is not affected, and the cap frees itself when the challenges expire.
    expect(
      (await new TestClient(server.url, undefined, '1.2.3.4').post('/api/auth/passkey/options')).status,
    ).toBe(200);
    clock.skew = 5 * MIN + 1000;
    try {
      expect((await flooder.post('/api/auth/passkey/options')).status).toBe(200);
    } finally {
      clock.skew = 0;
    }
  });

  it('counts a pending device’s refused passkey in the sign-in limits too', async () => {
    const ip = '67.43.156.1';
    const pending = await signIn(server.url, email, deviceDescription('Pending tablet'), ip);
    expect(pending.response.device.status).toBe('pending');
    const options = await pending.client.post<Options>('/api/auth/enrolment/passkey/options');
    const wrong = await pending.client.post('/api/auth/enrolment/passkey', {
      credential: key.get(options.body, { origin: 'https://evil.example.net' }),
    });
    expect(wrong.status).toBe(401);
    const rows = await server.database.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('ip', '=', ip)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.account_id).toBe(owner.account.id);
  });
});

describe('passkey limits across two instances (PostgreSQL)', () => {
  it('blocks on one instance what failed on the other', async () => {
    const database = await openTestDatabase('postgres');
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-keys-'));
    const config = { logKeyFile: path.join(keys, 'log.key'), publicUrl: 'https://photos.example.com' };
    const one = await startTestServer('postgres', { database, config });
    const two = await startTestServer('postgres', { database, config });
    try {
      const owner = await adminSession(one.url, 'shared@example.com');
      const key = new SoftwareAuthenticator('https://photos.example.com');
      await addPasskey(owner.client, key, 'Phone');
      const ip = '81.2.69.142';
      for (let i = 0; i <= LIMITS.accountFreeFailures; i++) {
        const server = i % 2 === 0 ? one : two;
        const refused = await passkeySignIn(server.url, ip, key, undefined, 'https://evil.example.net');
        expect(refused.status).toBe(401);
      }
      // Five failures split over both instances: the account waits on either.
      expect((await passkeySignIn(two.url, '2.125.160.216', key)).status).toBe(429);
      expect((await passkeySignIn(one.url, '2.125.160.216', key)).status).toBe(429);
    } finally {
      await one.close();
      await two.close();
      await database.close();
      fs.rmSync(keys, { recursive: true, force: true });
    }
  });
});
