import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActivityPage,
  EnrolmentWays,
  Passkey,
  PasskeyList,
  Problem,
  SignInResponse,
  WhoAmI,
} from '@shoebox/shared';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALECTS, openTestDatabase } from '../../test/support/databases.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  SoftwareAuthenticator,
  addPasskey as addPasskeyOk,
} from '../../test/support/software-authenticator.ts';
import { startSmtp } from '../../test/support/smtp.ts';
import {
  PASSWORD,
  adminSession,
  deviceDescription,
  eventually,
  signIn,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';

const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
type Options = Record<string, unknown>;

/** Adds a passkey through the API: password, options, the authenticator's answer. */
async function addPasskey(client: TestClient, authenticator: SoftwareAuthenticator, name: string) {
  const options = await client.post<Options>('/api/account/passkeys/options', { password: PASSWORD });
  expect(options.status).toBe(200);
  const credential = authenticator.create(options.body);
  return client.post<Passkey>('/api/account/passkeys', { name, credential });
}

async function passkeySignIn(
  url: string,
  authenticator: SoftwareAuthenticator,
  name: string,
  override: { counter?: number } = {},
) {
  const anonymous = new TestClient(url);
  const options = await anonymous.post<Options>('/api/auth/passkey/options');
  expect(options.status).toBe(200);
  const credential = authenticator.get(options.body, override);
  return anonymous.post<SignInResponse>('/api/auth/passkey/sign-in', {
    credential,
    device: deviceDescription(name),
  });
}

describe.each(DIALECTS)('passkeys, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let phone: SoftwareAuthenticator;
  const email = 'passkeys@example.com';
  const activity = async () => (await owner.client.get<ActivityPage>('/api/activity?limit=200')).body.items;

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, email);
    phone = new SoftwareAuthenticator(server.url, {
      userVerified: true,
      backupEligible: true,
      backedUp: true,
    });
  });
  afterAll(() => server.close());

  it('adds a passkey after the password, with its flags, and announces it', async () => {
    const wrong = await owner.client.post<Problem>('/api/account/passkeys/options', {
      password: 'nope-nope',
    });
    expect(wrong.status).toBe(401);
    const live = await connectLive(server.url, owner.response.token);
    const added = await addPasskey(owner.client, phone, 'Phone');
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      name: 'Phone',
      userVerified: true,
      backupEligible: true,
      backedUp: true,
      transports: ['internal'],
      lastUsedAt: null,
    });
    const list = await owner.client.get<PasskeyList>('/api/account/passkeys');
    expect(list.body.items.map((p) => p.id)).toEqual([added.body.id]);
    const notice = await eventually(
      async () => Promise.resolve(live.messages.find((m) => m.event === 'factor.added')),
      5000,
      'the live notice',
    );
    expect(notice.data).toMatchObject({ factor: 'passkey', deviceId: owner.deviceId });
    live.socket.close();
    const entry = (await activity()).find((a) => a.kind === 'factor.added');
    expect(entry).toMatchObject({
      factors: ['passkey'],
      detail: { passkey: { userVerified: true, backupEligible: true, backedUp: true } },
    });
    const row = await server.database.db.selectFrom('passkeys').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      account_id: owner.account.id,
      user_verified: 1,
      backed_up: 1,
      name: 'Phone',
    });
  });

  it('uses each challenge once, only for 5 minutes, and only from the origin it belongs to', async () => {
    const options = await owner.client.post<Options>('/api/account/passkeys/options', { password: PASSWORD });
    const other = new SoftwareAuthenticator(server.url);
    const credential = other.create(options.body);
    const first = await owner.client.post('/api/account/passkeys', { credential });
    expect(first.status).toBe(200);
    const again = await owner.client.post<Problem>('/api/account/passkeys', { credential });
    expect(again.status).toBe(401);

    const late = await owner.client.post<Options>('/api/account/passkeys/options', { password: PASSWORD });
    clock.skew += 5 * 60_000 + 1000;
    const expired = await owner.client.post('/api/account/passkeys', { credential: other.create(late.body) });
    clock.skew = 0;
    expect(expired.status).toBe(401);

    const phishing = new SoftwareAuthenticator('http://shoebox.example.net');
    const fromElsewhere = await owner.client.post<Options>('/api/account/passkeys/options', {
      password: PASSWORD,
    });
    const refused = await owner.client.post('/api/account/passkeys', {
      credential: phishing.create(fromElsewhere.body),
    });
    expect(refused.status).toBe(401);
    const names = (await owner.client.get<PasskeyList>('/api/account/passkeys')).body.items.length;
    expect(names).toBe(2);
  });

  it('lets a pending device in with a passkey, recording the factor and its flags', async () => {
    const laptop = await signIn(server.url, email, deviceDescription('Laptop'), '81.2.69.160');
    expect(laptop.response.device.status).toBe('pending');
    // A pending device can add no passkey of its own.
    expect((await laptop.client.post('/api/account/passkeys/options', { password: PASSWORD })).status).toBe(
      403,
    );
    const ways = await laptop.client.get<EnrolmentWays>('/api/auth/enrolment/ways');
    // No SMTP on this server, no authenticator app and no recovery codes on this account yet.
    expect(ways.body).toEqual({
      trustedDevice: true,
      totp: false,
      passkey: true,
      emailCode: false,
      recoveryCode: false,
    });
    const options = await laptop.client.post<Options>('/api/auth/enrolment/passkey/options');
    expect(options.status).toBe(200);
    const ok = await laptop.client.post('/api/auth/enrolment/passkey', {
      credential: phone.get(options.body),
    });
    expect(ok.status).toBe(200);
    expect((await laptop.client.get<WhoAmI>('/api/me')).body.device.status).toBe('trusted');
    const approved = (await activity()).find(
      (a) => a.kind === 'enrolment.approved' && a.device?.id === laptop.deviceId,
    );
    expect(approved).toMatchObject({
      factors: ['passkey'],
      detail: { factor: 'passkey', passkey: { userVerified: true, backupEligible: true, backedUp: true } },
    });
    const used = (await owner.client.get<PasskeyList>('/api/account/passkeys')).body.items[0];
    expect(used?.lastUsedAt).not.toBeNull();
  });

  it('refuses an assertion whose counter went back (a cloned authenticator), counting it as a wrong code', async () => {
    const tablet = await signIn(server.url, email, deviceDescription('Tablet'));
    const options = await tablet.client.post<Options>('/api/auth/enrolment/passkey/options');
    const replayed = await tablet.client.post<Problem>('/api/auth/enrolment/passkey', {
      credential: phone.get(options.body, { counter: 1 }),
    });
    expect(replayed.status).toBe(401);
    expect(replayed.body.detail).toMatch(/tries left/);
    expect((await tablet.client.get<WhoAmI>('/api/me')).body.device.status).toBe('pending');
    const signInReplay = await passkeySignIn(server.url, phone, 'Clone', { counter: 1 });
    expect(signInReplay.status).toBe(401);
  });

  it('signs in with a passkey alone: a user-verified passkey lets a new device in', async () => {
    const live = await connectLive(server.url, owner.response.token);
    const reply = await passkeySignIn(server.url, phone, 'Borrowed laptop');
    expect(reply.status).toBe(200);
    expect(reply.body.account.email).toBe(email);
    expect(reply.body.device.status).toBe('trusted');
    const client = new TestClient(server.url, reply.body.token);
    expect((await client.get('/api/photos')).status).toBe(200);
    const notice = await eventually(
      async () => Promise.resolve(live.messages.find((m) => m.event === 'enrolment.approved')),
      5000,
      'the approval notice',
    );
    expect(notice.data).toMatchObject({ deviceId: reply.body.device.id, factor: 'passkey' });
    live.socket.close();
    const items = await activity();
    expect(
      items.find((a) => a.kind === 'sign-in.succeeded' && a.device?.id === reply.body.device.id),
    ).toMatchObject({
      factors: ['passkey'],
    });
  });

  it('leaves a new device pending when the passkey did not verify the person', async () => {
    const key = new SoftwareAuthenticator(server.url, { userVerified: false });
    expect((await addPasskey(owner.client, key, 'Security key')).body.userVerified).toBe(false);
    const reply = await passkeySignIn(server.url, key, 'Kiosk');
    expect(reply.status).toBe(200);
    expect(reply.body.device.status).toBe('pending');
    const kiosk = new TestClient(server.url, reply.body.token);
    expect((await kiosk.get('/api/photos')).status).toBe(403);
  });

  it('removes a passkey only with the password; it signs in no more', async () => {
    const [first] = (await owner.client.get<PasskeyList>('/api/account/passkeys')).body.items;
    const id = first?.id ?? '';
    expect(
      (await owner.client.post(`/api/account/passkeys/${id}/remove`, { password: 'wrong-one' })).status,
    ).toBe(401);
    const removed = await owner.client.post<{ endedSessions: number }>(`/api/account/passkeys/${id}/remove`, {
      password: PASSWORD,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.endedSessions).toBeGreaterThanOrEqual(0);
    expect(
      (await owner.client.post(`/api/account/passkeys/${id}/remove`, { password: PASSWORD })).status,
    ).toBe(404);
    expect((await passkeySignIn(server.url, phone, 'After removal')).status).toBe(401);
    expect((await activity()).find((a) => a.kind === 'factor.removed')).toMatchObject({
      factors: ['passkey'],
    });
  });
});

describe('ways into a waiting device on a server with SMTP', () => {
  it('offers the e-mailed code, and no passkey to an account that has none', async () => {
    const smtp = await startSmtp();
    const server = await startTestServer('sqlite', { config: { smtpUrl: smtp.url } });
    try {
      const owner = await adminSession(server.url, 'mail@example.com');
      const pending = await signIn(server.url, 'mail@example.com', deviceDescription('Tablet'));
      const ways = await pending.client.get<EnrolmentWays>('/api/auth/enrolment/ways');
      expect(ways.body).toMatchObject({ emailCode: true, passkey: false });
      expect((await pending.client.post('/api/auth/enrolment/passkey/options')).status).toBe(409);
      // Adding one is announced by e-mail too, like every factor change.
      await addPasskeyOk(owner.client, new SoftwareAuthenticator(server.url), 'Desk key');
      const mail = await eventually(
        async () => Promise.resolve(smtp.inbox.find((m) => m.text.includes('A passkey set up'))),
        10_000,
        'the notice e-mail',
      );
      expect(mail.to).toEqual(['mail@example.com']);
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});

describe('passkeys across two instances (PostgreSQL)', () => {
  it('finishes each ceremony on another instance than the one that started it', async () => {
    const database = await openTestDatabase('postgres');
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-keys-'));
    // One deployment behind one public address: both instances are the same relying party.
    const config = { logKeyFile: path.join(keys, 'log.key'), publicUrl: 'https://photos.example.com' };
    const one = await startTestServer('postgres', { database, config });
    const two = await startTestServer('postgres', { database, config });
    try {
      const owner = await adminSession(one.url, 'two@example.com');
      const key = new SoftwareAuthenticator('https://photos.example.com');
      const options = await owner.client.post<Options>('/api/account/passkeys/options', {
        password: PASSWORD,
      });
      expect(options.body['rp']).toMatchObject({ id: 'photos.example.com' });
      const credential = key.create(options.body);
      const viaTwo = new TestClient(two.url, owner.response.token);
      expect((await viaTwo.post('/api/account/passkeys', { credential })).status).toBe(200);
      // Taken on instance two, the challenge is gone for instance one too.
      expect((await owner.client.post('/api/account/passkeys', { credential })).status).toBe(401);

      const laptop = await signIn(two.url, 'two@example.com', deviceDescription('Laptop'));
      const request = await laptop.client.post<Options>('/api/auth/enrolment/passkey/options');
      const onOne = new TestClient(one.url, laptop.response.token);
      expect(
        (await onOne.post('/api/auth/enrolment/passkey', { credential: key.get(request.body) })).status,
      ).toBe(200);
    } finally {
      await one.close();
      await two.close();
      await database.close();
      fs.rmSync(keys, { recursive: true, force: true });
    }
  });
});
