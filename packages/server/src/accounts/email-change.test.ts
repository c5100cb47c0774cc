import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ActivityPage, EmailChange, Problem, SignInResponse } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import { startSmtp, type ReceivedMail } from '../../test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  PASSWORD,
  adminSession,
  approvedDevice,
  createAccount,
  deviceDescription,
  eventually,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { REAUTH_WINDOW_MS } from '../devices/session-lifetime.ts';

const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

async function signInStatus(url: string, email: string): Promise<number> {
  const reply = await new TestClient(url).post<SignInResponse>('/api/auth/sign-in', {
    email,
    password: PASSWORD,
    device: deviceDescription('probe'),
  });
  return reply.status;
}

describe.each(DIALECTS)('changing the e-mail address with SMTP, on %s', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let owner: SignedIn;
  let laptop: SignedIn;
  const first = 'change-me@example.com';
  const second = 'changed@example.org';

  const mail = (match: (m: ReceivedMail) => boolean, what: string) =>
    eventually(async () => Promise.resolve(smtp.inbox.find(match)), 10_000, what);
  const codeFor = async (to: string) => {
    const m = await mail((x) => x.to.includes(to) && /confirm this address/.test(x.text), `code to ${to}`);
    smtp.inbox.splice(smtp.inbox.indexOf(m), 1);
    return /confirm this address: (\d+)/.exec(m.text)?.[1] ?? '';
  };
  const wrongFor = (code: string) => (code === '00000000' ? '11111111' : '00000000');

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      clock,
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    owner = await adminSession(server.url, first);
    laptop = await approvedDevice(server.url, owner.client, first, 'Laptop');
    await createAccount(server.url, 'someone-else@example.com', owner.client);
  });
  afterEach(() => {
    clock.skew = 0;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('needs a recent sign-in or the password, and refuses an address in use without saying whose', async () => {
    clock.skew = REAUTH_WINDOW_MS + 1000;
    const stale = await owner.client.post<Problem>('/api/account/email', { newEmail: second });
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe('reauth_required');
    const wrong = await owner.client.post<Problem>('/api/account/email', {
      newEmail: second,
      password: 'not-the-password',
    });
    expect(wrong.status).toBe(401);
    const taken = await owner.client.post<Problem>('/api/account/email', {
      newEmail: 'Someone-Else@Example.com',
      password: PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('email_taken');
    // The problem names nothing of the other account: no extra members, no id, name or role.
    expect(Object.keys(taken.body).sort()).toEqual([
      'code',
      'detail',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(`${taken.body.title} ${taken.body.detail}`).not.toMatch(/someone|admin|user|role|exists/i);
    const same = await owner.client.post<Problem>('/api/account/email', {
      newEmail: first,
      password: PASSWORD,
    });
    expect(same.status).toBe(400);
    expect(smtp.inbox.filter((m) => m.to.includes('someone-else@example.com'))).toHaveLength(0);
    clock.skew = 0;
  });

  it('sends a single-use 8-digit code to the new address; the old one is told; sign-in follows the change', async () => {
    const live = await connectLive(server.url, laptop.response.token);
    onTestFinished(() => live.socket.close());
    const asked = await owner.client.post<EmailChange>('/api/account/email', {
      newEmail: second,
      signOutOtherSessions: false,
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      status: 'pending',
      email: first,
      newEmail: second,
      sentTo: 'c…@example.org',
    });
    const left = Date.parse(asked.body.expiresAt ?? '') - clock.now();
    expect(left).toBeGreaterThan(9 * 60_000);
    expect(left).toBeLessThanOrEqual(10 * 60_000);
    const code = await codeFor(second);
    expect(code).toMatch(/^\d{8}$/);
    // Nothing changed yet: the old address still signs in.
    expect(await signInStatus(server.url, second)).toBe(401);
    // Another session of the account cannot finish it, nor can a wrong code.
    expect((await laptop.client.post<Problem>('/api/account/email/confirm', { code })).status).toBe(409);
    const bad = await owner.client.post<Problem>('/api/account/email/confirm', { code: wrongFor(code) });
    expect(bad.status).toBe(401);
    expect(bad.body.detail).toContain('4 tries left');
    const done = await owner.client.post<EmailChange>('/api/account/email/confirm', { code });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'changed', email: second, endedSessions: 0 });
    expect((await owner.client.post('/api/account/email/confirm', { code })).status).toBe(409);

    const notice = await mail(
      (m) => m.to.includes(first) && /e-mail address was changed/.test(m.text),
      'notice',
    );
    expect(notice.text).toContain(`Your e-mail was changed to ${second}`);
    expect(notice.text).toMatch(/This wasn't me: https:\/\/photos\.example\.com\/not-me\?token=/);
    expect(notice.text).toMatch(/Audit log entry: #\d+ \(account\.email-changed/);
    const told = await eventually(
      async () => Promise.resolve(live.messages.find((m) => m.event === 'account.email-changed')),
      5000,
      'the live notice',
    );
    expect(told.data).toMatchObject({ email: second, previousEmail: first, deviceId: owner.deviceId });

    expect(await signInStatus(server.url, first)).toBe(401);
    expect(await signInStatus(server.url, second)).toBe(200);
    expect((await owner.client.get<{ account: { email: string } }>('/api/me')).body.account.email).toBe(
      second,
    );
    const items = (await laptop.client.get<ActivityPage>('/api/activity')).body.items;
    expect(items.find((a) => a.kind === 'account.email-changed')).toMatchObject({
      device: { id: owner.deviceId },
      detail: { previousEmail: first, newEmail: second, proof: 'email-code' },
    });
  });

  it('ends the request after five wrong codes, and when the code expires', async () => {
    const third = 'third@example.net';
    expect((await owner.client.post('/api/account/email', { newEmail: third })).status).toBe(200);
    const code = await codeFor(third);
    for (let i = 4; i >= 0; i--) {
      const bad = await owner.client.post<Problem>('/api/account/email/confirm', { code: wrongFor(code) });
      expect(bad.status).toBe(401);
      expect(bad.body.detail).toContain(i === 0 ? 'last try' : `${i} tr`);
    }
    expect((await owner.client.post('/api/account/email/confirm', { code })).status).toBe(409);
    // A new request (after the resend pause) gets a new code, which dies after 10 minutes.
    clock.skew = 31_000;
    expect(
      (await owner.client.post('/api/account/email', { newEmail: third, password: PASSWORD })).status,
    ).toBe(200);
    const fresh = await codeFor(third);
    clock.skew += 10 * 60_000 + 1000;
    const late = await owner.client.post<Problem>('/api/account/email/confirm', { code: fresh });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('expired');
    clock.skew = 0;
    expect(await signInStatus(server.url, third)).toBe(401);
  });
});

describe.each(DIALECTS)('changing the e-mail address without SMTP, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const first = 'no-mail@example.com';
  const second = 'no-mail-new@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    owner = await adminSession(server.url, first);
  });
  afterAll(() => server.close());

  it('changes at once, signs out the other sessions by default, and records it', async () => {
    const tablet = await approvedDevice(server.url, owner.client, first, 'Tablet');
    const live = await connectLive(server.url, tablet.response.token);
    const changedAt = Date.now();
    const done = await owner.client.post<EmailChange>('/api/account/email', {
      newEmail: second,
      password: PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'changed', email: second, sentTo: null, endedSessions: 1 });
    expect((await live.closed) - changedAt).toBeLessThan(1000);
    expect((await tablet.client.get('/api/me')).status).toBe(401);
    expect((await owner.client.get('/api/me')).status).toBe(200);
    expect(await signInStatus(server.url, first)).toBe(401);
    expect(await signInStatus(server.url, second)).toBe(200);
    const items = (await owner.client.get<ActivityPage>('/api/activity')).body.items;
    expect(items.find((a) => a.kind === 'account.email-changed')).toMatchObject({
      detail: { previousEmail: first, newEmail: second, proof: 'none' },
    });
    const events = await owner.client.get<{ items: { kind: string; body: Record<string, unknown> }[] }>(
      '/api/audit/events?limit=1000',
    );
    expect(events.body.items.filter((e) => e.kind === 'account.email-changed')).toHaveLength(1);
    expect((await owner.client.post('/api/account/email/confirm', { code: '12345678' })).status).toBe(409);
  });

  it('"This wasn\'t me" about the device that changed the address puts the old one back', async () => {
    const phone = await approvedDevice(server.url, owner.client, second, 'Phone');
    const third = 'intruder@example.net';
    const changed = await phone.client.post<EmailChange>('/api/account/email', {
      newEmail: third,
      password: PASSWORD,
      signOutOtherSessions: false,
    });
    expect(changed.body).toMatchObject({ status: 'changed', email: third });
    const notMe = await owner.client.post('/api/security/not-me', { deviceId: phone.deviceId });
    expect(notMe.status).toBe(200);
    expect((await owner.client.get<{ account: { email: string } }>('/api/me')).body.account.email).toBe(
      second,
    );
    expect((await phone.client.get('/api/me')).status).toBe(401);
    const items = (await owner.client.get<ActivityPage>('/api/activity')).body.items;
    expect(items.find((a) => a.kind === 'account.email-changed')).toMatchObject({
      device: { id: owner.deviceId },
      detail: { previousEmail: third, newEmail: second, proof: 'not-me' },
    });
    // The password must change now (as after any "This wasn't me"); a new password lifts it.
    const renewed = await owner.client.post('/api/account/password', {
      newPassword: 'copper-lantern-meadow-77',
    });
    expect(renewed.status).toBe(200);
    await owner.client.post('/api/account/password', {
      newPassword: PASSWORD,
      currentPassword: 'copper-lantern-meadow-77',
    });
  });

  it('refuses an address another account uses', async () => {
    await createAccount(server.url, 'taken@example.com', owner.client);
    const taken = await owner.client.post<Problem>('/api/account/email', {
      newEmail: 'taken@example.com',
      password: PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('email_taken');
  });
});
