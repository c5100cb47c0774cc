import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActivityPage,
  Problem,
  RecoveryCodes,
  SecurityStatus,
  TotpConfirmed,
  TotpSetup,
  WhoAmI,
} from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  PASSWORD,
  adminSession,
  approvedDevice,
  deviceDescription,
  eventually,
  signIn,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { base32Decode, totp } from './totp.ts';

/** A clock the test can move forward (TOTP steps, the 3-minute half-finished notice). */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
const codeAt = (secret: string, steps = 0) => totp(base32Decode(secret), clock.now() + steps * 30_000);
const NEW_PASSWORD = 'copper-lantern-meadow-77';

const connect = connectLive;

describe.each(DIALECTS)('second factors, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let secret: string;
  let recovery: string[];
  const email = 'factors@example.com';

  const activity = async (client = owner.client) =>
    (await client.get<ActivityPage>('/api/activity?limit=200')).body.items;

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, email);
  });
  afterAll(() => server.close());

  it('sets up an authenticator app: password first, secret shown once, confirmed by a first code', async () => {
    const wrong = await owner.client.post<Problem>('/api/account/totp', { password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    const setup = await owner.client.post<TotpSetup>('/api/account/totp', { password: PASSWORD });
    expect(setup.status).toBe(200);
    secret = setup.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.qrSvg).toMatch(/^<svg [^>]*viewBox="0 0 (\d+) \1"[\s\S]*<path [\s\S]*<\/svg>\s*$/);
    expect(setup.body.uri).toBe(
      `otpauth://totp/Shoebox%3Afactors%40example.com?secret=${secret}&issuer=Shoebox&algorithm=SHA1&digits=6&period=30`,
    );
    // Not enabled until confirmed.
    expect((await owner.client.get<SecurityStatus>('/api/account/security')).body.totp.enabled).toBe(false);
    const bad = codeAt(secret) === '000000' ? '000001' : '000000';
    expect((await owner.client.post('/api/account/totp/confirm', { code: bad })).status).toBe(401);
    const confirmed = await owner.client.post<TotpConfirmed>('/api/account/totp/confirm', {
      code: codeAt(secret),
    });
    expect(confirmed.status).toBe(200);
    recovery = confirmed.body.recoveryCodes?.codes ?? [];
    expect(recovery).toHaveLength(10);
    for (const code of recovery) expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(new Set(recovery).size).toBe(10);
    const status = await owner.client.get<SecurityStatus>('/api/account/security');
    expect(status.body).toMatchObject({ totp: { enabled: true }, recoveryCodes: { remaining: 10 } });
    // Only hashes are stored.
    const stored = await server.database.db.selectFrom('recovery_codes').select('code_hash').execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(recovery[0]);
    const added = (await activity()).find((a) => a.kind === 'factor.added');
    expect(added).toMatchObject({ factors: ['totp'], device: { id: owner.deviceId } });
  });

  it('lets a pending device in with a TOTP code, once: a used code is refused', async () => {
    const phone = await signIn(server.url, email, deviceDescription('New phone'), '81.2.69.160');
    expect(phone.response.device.status).toBe('pending');
    // The confirmation used the current step: the same code is never accepted again.
    const reused = await phone.client.post<Problem>('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeAt(secret),
    });
    expect(reused.status).toBe(401);
    clock.skew += 30_000;
    const ok = await phone.client.post('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeAt(secret),
    });
    expect(ok.status).toBe(200);
    expect((await phone.client.get<WhoAmI>('/api/me')).body.device.status).toBe('trusted');
    const approved = (await activity()).find(
      (a) => a.kind === 'enrolment.approved' && a.device?.id === phone.deviceId,
    );
    expect(approved).toMatchObject({ result: 'success', factors: ['totp'], detail: { factor: 'totp' } });
    const failed = (await activity()).find(
      (a) => a.kind === 'sign-in.failed' && a.device?.id === phone.deviceId,
    );
    expect(failed).toMatchObject({ result: 'failure', detail: { failedFactor: 'totp' }, ip: '81.2.69.160' });
    // Another pending device cannot replay the code that let the phone in.
    const other = await signIn(server.url, email, deviceDescription('Replay'));
    const replay = await other.client.post('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeAt(secret),
    });
    expect(replay.status).toBe(401);
  });

  it('ends the attempt after 5 wrong codes, whichever factor they claim to be', async () => {
    const guesser = await signIn(server.url, email, deviceDescription('Guesser'));
    const statuses = [];
    for (const method of ['totp', 'recovery-code', 'totp', 'recovery-code', 'totp']) {
      const code = method === 'totp' ? '999999' : 'AAAA-AAAA-AAAA-AAAA';
      statuses.push((await guesser.client.post('/api/auth/enrolment/verify', { method, code })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await guesser.client.get('/api/me')).status).toBe(401);
  });

  it('lets a pending device in with a recovery code, once, and tells the trusted devices live', async () => {
    const live = await connect(server.url, owner.response.token);
    const laptop = await signIn(server.url, email, deviceDescription('Laptop'), '81.2.69.160');
    const code = (recovery[0] ?? '').toLowerCase().replaceAll('-', ' ');
    const ok = await laptop.client.post('/api/auth/enrolment/verify', { method: 'recovery-code', code });
    expect(ok.status).toBe(200);
    const notice = await eventually(
      async () => Promise.resolve(live.messages.find((m) => m.event === 'recovery-code.used')),
      5000,
      'the live notice',
    );
    expect(notice.data).toMatchObject({ deviceId: laptop.deviceId, remaining: 9, ip: '81.2.69.160' });
    live.socket.close();
    const again = await signIn(server.url, email, deviceDescription('Thief'));
    expect(
      (await again.client.post('/api/auth/enrolment/verify', { method: 'recovery-code', code: recovery[0] }))
        .status,
    ).toBe(401);
    const used = (await activity()).find((a) => a.kind === 'recovery-code.used');
    expect(used).toMatchObject({
      device: { id: laptop.deviceId },
      detail: { remaining: 9 },
      ip: '81.2.69.160',
    });
    expect(
      (await owner.client.get<SecurityStatus>('/api/account/security')).body.recoveryCodes.remaining,
    ).toBe(9);
  });

  it('regenerates recovery codes (password required); the old ones stop working', async () => {
    expect((await owner.client.post('/api/account/recovery-codes', { password: 'nope-nope' })).status).toBe(
      401,
    );
    const fresh = await owner.client.post<RecoveryCodes>('/api/account/recovery-codes', {
      password: PASSWORD,
    });
    expect(fresh.body.codes).toHaveLength(10);
    const tablet = await signIn(server.url, email, deviceDescription('Tablet'));
    const old = await tablet.client.post('/api/auth/enrolment/verify', {
      method: 'recovery-code',
      code: recovery[1],
    });
    expect(old.status).toBe(401);
    const ok = await tablet.client.post('/api/auth/enrolment/verify', {
      method: 'recovery-code',
      code: fresh.body.codes[0],
    });
    expect(ok.status).toBe(200);
  });

  it('removes the authenticator only with the password; then TOTP no longer lets anyone in', async () => {
    expect((await owner.client.post('/api/account/totp/remove', { password: 'wrong-one' })).status).toBe(401);
    expect((await owner.client.post('/api/account/totp/remove', { password: PASSWORD })).status).toBe(204);
    expect((await owner.client.get<SecurityStatus>('/api/account/security')).body.totp.enabled).toBe(false);
    clock.skew += 30_000;
    const late = await signIn(server.url, email, deviceDescription('Late'));
    const reply = await late.client.post('/api/auth/enrolment/verify', {
      method: 'totp',
      code: codeAt(secret),
    });
    expect(reply.status).toBe(409);
    expect((await activity()).some((a) => a.kind === 'factor.removed')).toBe(true);
  });

  it('does not let a pending device set up or remove factors', async () => {
    const pending = await signIn(server.url, email, deviceDescription('Pending'));
    const reply = await pending.client.post<Problem>('/api/account/totp', { password: PASSWORD });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('device_pending');
  });

  // Last of its group: the failures also slow down new devices of this account, as they should.
  it('counts wrong passwords on sensitive changes like failed sign-ins: the 11th try is refused', async () => {
    const elsewhere = new TestClient(server.url, owner.response.token, '81.2.69.200');
    const statuses = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await elsewhere.post('/api/account/recovery-codes', { password: `guess-${i}-guess` })).status,
      );
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    // Even the right password, from there, for now.
    expect((await elsewhere.post('/api/account/recovery-codes', { password: PASSWORD })).status).toBe(429);
  });
});

describe.each(DIALECTS)('password change, "This wasn\'t me" and activity, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const email = 'owner@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, email);
  });
  afterAll(() => server.close());

  it('changes the password with the current one, signs out other sessions, and tells every device', async () => {
    const laptop = await approvedDevice(server.url, owner.client, email, 'laptop');
    const tablet = await approvedDevice(server.url, owner.client, email, 'tablet');
    const wrong = await owner.client.post<Problem>('/api/account/password', {
      currentPassword: 'not-it-at-all',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(401);
    const weak = await owner.client.post<Problem>('/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'password',
    });
    expect(weak.status).toBe(400);
    // Keeping the other sessions is a choice; every trusted device is told live.
    const laptopLive = await connect(server.url, laptop.response.token);
    const kept = await owner.client.post<{ endedSessions: number }>('/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      signOutOtherSessions: false,
    });
    expect(kept.body.endedSessions).toBe(0);
    expect((await laptop.client.get('/api/me')).status).toBe(200);
    const told = await eventually(
      async () => Promise.resolve(laptopLive.messages.find((m) => m.event === 'password.changed')),
      5000,
      'the live notice',
    );
    expect(told.data).toMatchObject({ deviceId: owner.deviceId });
    // ...signing them out is the default, and their sockets close at once.
    const live = await connect(server.url, tablet.response.token);
    const changedAt = Date.now();
    const done = await owner.client.post<{ endedSessions: number }>('/api/account/password', {
      currentPassword: NEW_PASSWORD,
      newPassword: PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.body.endedSessions).toBe(2);
    expect((await live.closed) - changedAt).toBeLessThan(1000);
    expect((await laptop.client.get('/api/me')).status).toBe(401);
    expect((await owner.client.get('/api/me')).status).toBe(200);
    const old = await owner.client.post('/api/auth/sign-in', {
      email,
      password: NEW_PASSWORD,
      device: deviceDescription(),
    });
    expect(old.status).toBe(401);
    const items = (await owner.client.get<ActivityPage>('/api/activity')).body.items;
    const changes = items.filter((a) => a.kind === 'password.changed');
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({ device: { id: owner.deviceId } });
  });

  it('"This wasn\'t me" removes the device, closes its socket within 1 s, and requires a new password', async () => {
    const stranger = await approvedDevice(server.url, owner.client, email, 'stranger');
    const live = await connect(server.url, stranger.response.token);
    const at = Date.now();
    const reply = await owner.client.post<{ removedDeviceId: string; endedSessions: number }>(
      '/api/security/not-me',
      { deviceId: stranger.deviceId },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ removedDeviceId: stranger.deviceId, endedSessions: 1 });
    expect((await live.closed) - at).toBeLessThan(1000);
    expect((await stranger.client.get('/api/me')).status).toBe(401);
    expect(
      (await owner.client.get<SecurityStatus>('/api/account/security')).body.passwordChangeRequired,
    ).toBe(true);
    const retry = await new TestClient(server.url).post<Problem>('/api/auth/sign-in', {
      email,
      password: PASSWORD,
      device: deviceDescription('stranger again'),
    });
    expect(retry.status).toBe(403);
    expect(retry.body.code).toBe('password_change_required');
    // The owner, on a trusted device, sets a new password without the old one (it may have been changed).
    const changed = await owner.client.post('/api/account/password', { newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(
      (await owner.client.get<SecurityStatus>('/api/account/security')).body.passwordChangeRequired,
    ).toBe(false);
    // Afterwards the current password is required again, once this session's sign-in is over 15 minutes old.
    clock.skew += 15 * 60_000 + 1000;
    const stale = await owner.client.post<Problem>('/api/account/password', { newPassword: PASSWORD });
    expect([stale.status, stale.body.code]).toEqual([403, 'reauth_required']);
    expect(
      (
        await owner.client.post('/api/account/password', {
          currentPassword: NEW_PASSWORD,
          newPassword: PASSWORD,
        })
      ).status,
    ).toBe(200);
    expect((await owner.client.post('/api/security/not-me', { deviceId: owner.deviceId })).status).toBe(409);
  });

  it('lists the activity newest first, in pages, from the audit log', async () => {
    const bad = await owner.client.post('/api/auth/sign-in', {
      email,
      password: 'wrong-password-here',
      device: deviceDescription(),
    });
    expect(bad.status).toBe(401);
    const all: ActivityPage['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page: ActivityPage = (await owner.client.get<ActivityPage>(`/api/activity?limit=3${query}`)).body;
      all.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    const seqs = all.map((a) => Number(a.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all[0]).toMatchObject({ kind: 'sign-in.failed', result: 'failure', factors: ['password'] });
    const kinds = new Set(all.map((a) => a.kind));
    for (const k of ['sign-in.succeeded', 'enrolment.requested', 'enrolment.approved', 'device.removed'])
      expect(kinds).toContain(k);
    // The same entries as the account's own audit events.
    const audit = await owner.client.get<{ items: { seq: number; kind: string }[] }>(
      '/api/audit/events?limit=1000',
    );
    const auditSeqs = audit.body.items.filter((e) => kinds.has(e.kind)).map((e) => e.seq);
    expect(new Set(auditSeqs)).toEqual(new Set(seqs));
  });

  it('tells the owner once about a password sign-in left unfinished for 3 minutes', async () => {
    const live = await connect(server.url, owner.response.token);
    const stranger = await signIn(server.url, email, deviceDescription('Half'), '81.2.69.160');
    expect(await server.app.services.trust.noticeHalfFinished()).toBe(0);
    clock.skew += 3 * 60_000 + 1000;
    const passes: number[] = [];
    try {
      passes.push(await server.app.services.trust.noticeHalfFinished());
      passes.push(await server.app.services.trust.noticeHalfFinished());
    } finally {
      clock.skew -= 3 * 60_000 + 1000;
    }
    // The first pass tells the owner, unless the running housekeeping (it polls every second) swept during the move
    // and told them first. Once either way.
    expect([
      [1, 0],
      [0, 0],
    ]).toContainEqual(passes);
    const about = () =>
      live.messages.filter(
        (m) => m.event === 'sign-in.half-finished' && JSON.stringify(m).includes(stranger.deviceId),
      );
    await eventually(async () => Promise.resolve(about()[0]), 5000, 'the notice');
    expect(about()).toHaveLength(1);
    live.socket.close();
  });

  it('announces a half-finished sign-in from another instance or after a restart (state in the database)', async () => {
    const stranger = await signIn(server.url, email, deviceDescription('Before restart'));
    // Another instance of the same deployment: same database, same audit signing key.
    const restarted = await startTestServer(dialect, {
      clock,
      database: server.database,
      config: { logKeyFile: path.join(server.dataDir, 'keys', 'log.key') },
    });
    const told: unknown[] = [];
    const off = restarted.app.events.on('account.message', (m) => {
      if (m.event === 'sign-in.half-finished') told.push(m.data);
    });
    clock.skew += 3 * 60_000 + 1000;
    const passes: number[] = [];
    try {
      passes.push(await restarted.app.services.trust.noticeHalfFinished());
      passes.push(await server.app.services.trust.noticeHalfFinished());
    } finally {
      clock.skew -= 3 * 60_000 + 1000;
      off();
      await restarted.close();
    }
    // The other instance tells the owner and the first one no more, unless the running housekeeping (of either; it
    // polls every second) swept during the move and told them first. Once either way: the claim is on the row.
    expect([
      [1, 0],
      [0, 0],
    ]).toContainEqual(passes);
    if (passes[0] === 1) expect(JSON.stringify(told)).toContain(stranger.deviceId);
    else {
      const attempt = await server.database.db
        .selectFrom('enrolments')
        .select('half_notice_at')
        .where('device_id', '=', stranger.deviceId)
        .executeTakeFirstOrThrow();
      expect(attempt.half_notice_at).not.toBeNull();
    }
  });
});
