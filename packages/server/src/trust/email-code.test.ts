import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, EmailCodeSent, Problem, RecoveryCodes, WhoAmI } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { startSmtp, type ReceivedMail } from '../../test/support/smtp.ts';
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

describe.each(DIALECTS)('codes and notices by e-mail, on %s', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let owner: SignedIn;
  const email = 'mail-owner@example.com';

  const mail = (match: (m: ReceivedMail) => boolean, what: string) =>
    eventually(async () => Promise.resolve(smtp.inbox.find(match)), 10_000, what);
  const codeIn = (m: ReceivedMail) => /sign-in code: (\d+)/.exec(m.text)?.[1] ?? '';

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      clock,
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    owner = await adminSession(server.url, email);
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('e-mails an 8-digit code that lets the pending device in once, within 10 minutes', async () => {
    const phone = await signIn(server.url, email, deviceDescription('Mail phone'), '81.2.69.160');
    const sent = await phone.client.post<EmailCodeSent>('/api/auth/enrolment/email-code');
    expect(sent.status).toBe(200);
    expect(sent.body.sentTo).toBe('m…@example.com');
    const expires = Date.parse(sent.body.expiresAt) - clock.now();
    expect(expires).toBeGreaterThan(9 * 60_000);
    expect(expires).toBeLessThanOrEqual(10 * 60_000);
    const message = await mail(
      (m) => m.text.includes('Mail phone') && /sign-in code/.test(m.text),
      'the code',
    );
    expect(message.to).toEqual([email]);
    const code = codeIn(message);
    expect(code).toMatch(/^\d{8}$/);
    expect(message.text).toMatch(/This wasn't me: https:\/\/photos\.example\.com\/not-me\?token=/);
    // Asking again at once is refused (no inbox flooding).
    expect((await phone.client.post('/api/auth/enrolment/email-code')).status).toBe(429);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const bad = await phone.client.post<Problem>('/api/auth/enrolment/verify', {
      method: 'email-code',
      code: wrong,
    });
    expect(bad.status).toBe(401);
    expect(bad.body.detail).toContain('4 tries left');
    const ok = await phone.client.post('/api/auth/enrolment/verify', { method: 'email-code', code });
    expect(ok.status).toBe(200);
    expect((await phone.client.get<WhoAmI>('/api/me')).body.device.status).toBe('trusted');
    const items = (await owner.client.get<ActivityPage>('/api/activity')).body.items;
    expect(items.find((a) => a.kind === 'enrolment.approved')).toMatchObject({
      device: { id: phone.deviceId },
      factors: ['email-code'],
    });
  });

  it('refuses a used or expired e-mailed code; wrong codes count towards the 5', async () => {
    const tablet = await signIn(server.url, email, deviceDescription('Mail tablet'));
    await tablet.client.post('/api/auth/enrolment/email-code');
    const code = codeIn(
      await mail((m) => m.text.includes('Mail tablet') && /sign-in code/.test(m.text), 'code'),
    );
    // The code lives at most 10 minutes (and the attempt with it).
    clock.skew += 10 * 60_000 + 1000;
    try {
      const late = await tablet.client.post('/api/auth/enrolment/verify', { method: 'email-code', code });
      expect([401, 403]).toContain(late.status);
    } finally {
      clock.skew -= 10 * 60_000 + 1000;
    }
    const guesser = await signIn(server.url, email, deviceDescription('Mail guesser'));
    await guesser.client.post('/api/auth/enrolment/email-code');
    const real = codeIn(
      await mail((m) => m.text.includes('Mail guesser') && /sign-in code/.test(m.text), 'code'),
    );
    const wrong = real === '12345678' ? '87654321' : '12345678';
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await guesser.client.post('/api/auth/enrolment/verify', { method: 'email-code', code: wrong }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(
      (await guesser.client.post('/api/auth/enrolment/verify', { method: 'email-code', code: real })).status,
    ).toBe(401);
  });

  it('e-mails the owner when a recovery code is used and when a sign-in is left half-finished', async () => {
    const codes = await owner.client.post<RecoveryCodes>('/api/account/recovery-codes', {
      password: PASSWORD,
    });
    const laptop = await signIn(server.url, email, deviceDescription('Recovery laptop'), '81.2.69.160');
    await laptop.client.post('/api/auth/enrolment/verify', {
      method: 'recovery-code',
      code: codes.body.codes[3],
    });
    const used = await mail((m) => m.text.includes('A recovery code was used'), 'recovery notice');
    expect(used.text).toContain('Recovery laptop');
    expect(used.text).toContain('81.2.69.160');
    expect(used.text).toContain('Recovery codes left: 9');

    const half = await signIn(server.url, email, deviceDescription('Half-done'), '81.2.69.160');
    clock.skew += 3 * 60_000 + 1000;
    try {
      await server.app.services.trust.noticeHalfFinished();
    } finally {
      clock.skew -= 3 * 60_000 + 1000;
    }
    // Earlier attempts of this file that never finished are announced too; this is the one about Half-done.
    const notice = await mail(
      (m) => m.text.includes('Someone knows your Shoebox password') && m.text.includes('Half-done'),
      'half-finished',
    );
    expect(notice.text).toContain('81.2.69.160');
    const token = /not-me\?token=([\w-]+)/.exec(notice.text)?.[1];
    const result = await new TestClient(server.url).post<{ removedDeviceId: string }>(
      '/api/security/not-me/link',
      {
        token,
      },
    );
    expect(result.body.removedDeviceId).toBe(half.deviceId);
    expect((await half.client.get('/api/me')).status).toBe(401);
    // Put the account back: the owner changes the password from the trusted device.
    expect(
      (await owner.client.post('/api/account/password', { newPassword: 'copper-lantern-meadow-77' })).status,
    ).toBe(200);
  });
});
