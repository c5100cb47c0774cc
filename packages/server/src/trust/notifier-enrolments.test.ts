import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startSmtp, type ReceivedMail } from '../../test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';

/** A clock the test moves past the 10 minutes a request stays open. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

/** A time as the notices print it. */
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * The e-mail about an ended enrolment says what happened, to which device, from where (place and IP of its
 * sign-in), when, and offers "This wasn't me" (issue 4, requirement 2): read back from a real SMTP server.
 */
describe.each(DIALECTS)('e-mails about approved and refused devices, on %s', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let owner: SignedIn;
  const email = 'notices@example.com';

  beforeAll(async () => {
    // Each dialect's server starts on the real time (the expiry test moves it on).
    clock.skew = 0;
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      clock,
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com', mediaWorkers: 0 },
    });
    owner = await adminSession(server.url, email);
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const mailAbout = (subject: string, device: string): Promise<ReceivedMail> =>
    eventually(
      async () =>
        Promise.resolve(smtp.inbox.find((m) => m.text.includes(subject) && m.text.includes(device))),
      20_000,
      `the "${subject}" e-mail about ${device}`,
    );

  const enrolmentOf = (deviceId: string) =>
    server.database.db
      .selectFrom('enrolments')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();

  /** The request of a pending device as the owner's trusted device lists it. */
  async function requestOf(deviceId: string): Promise<string> {
    const list = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const found = list.body.items.find((r) => r.device.id === deviceId);
    if (!found) throw new Error('no request for the device');
    return found.id;
  }

  /** What every one of these e-mails says about the device, its sign-in and the decision. */
  async function expectFacts(mail: ReceivedMail, s: SignedIn, facts: { device: string[]; where: RegExp }) {
    expect(mail.to).toEqual([email]);
    for (const word of facts.device) expect(mail.text).toContain(word);
    expect(mail.text).toMatch(facts.where);
    const e = await enrolmentOf(s.deviceId);
    expect(e.decided_at).not.toBeNull();
    expect(mail.text).toContain(`signed in ${stamp(e.created_at)}`);
    expect(mail.text).toContain(stamp(e.decided_at ?? 0));
    expect(mail.text).toMatch(/This wasn't me: https:\/\/photos\.example\.com\/not-me\?token=[\w-]+/);
  }

  it('says which device was let in, from where and when, and who allowed it', async () => {
    const phone = await signIn(
      server.url,
      email,
      deviceDescription('Pixel 8', { model: 'GKWS6', os: 'Android 15' }),
      '81.2.69.160',
    );
    expect(phone.response.device.status).toBe('pending');
    const allowed = await owner.client.post<{ code: string }>(
      `/api/enrolments/${await requestOf(phone.deviceId)}/allow`,
    );
    const done = await phone.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect(done.status).toBe(200);
    const mail = await mailAbout('A new device was let in', 'Pixel 8');
    await expectFacts(mail, phone, {
      device: ['Pixel 8 (GKWS6)', 'Android 15'],
      where: /Where: London, England, United Kingdom \(IP 81\.2\.69\.160\)\./,
    });
    expect(mail.text).toContain(`allowed on one of your trusted devices (${owner.response.device.name})`);
    expect(mail.text).toMatch(/, approved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
  });

  it('says which device was refused, from where and when', async () => {
    const stranger = await signIn(
      server.url,
      email,
      deviceDescription('Redmi K40', { model: 'M2012K11AC', os: 'MIUI 12' }),
      '210.39.1.1',
    );
    const denied = await owner.client.post(`/api/enrolments/${await requestOf(stranger.deviceId)}/deny`);
    expect(denied.status).toBe(200);
    const mail = await mailAbout('You refused a new device', 'Redmi K40');
    await expectFacts(mail, stranger, {
      device: ['Redmi K40 (M2012K11AC)', 'MIUI 12'],
      where: /Where: \w+, Guangdong, China \(IP 210\.39\.1\.1\)\./,
    });
    expect(mail.text).toContain(`was refused on ${owner.response.device.name}`);
    expect(mail.text).toMatch(/, refused \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
  });

  it('says which device typed 5 wrong codes, from where and when', async () => {
    const guesser = await signIn(server.url, email, deviceDescription('Guessing tablet'), '162.105.1.1');
    for (let i = 0; i < 5; i++) {
      const reply = await guesser.client.post('/api/auth/enrolment/verify', {
        method: 'recovery-code',
        code: 'AAAA-AAAA-AAAA-AAAA',
      });
      expect(reply.status).toBe(401);
    }
    const mail = await mailAbout('Wrong approval codes on a new device', 'Guessing tablet');
    await expectFacts(mail, guesser, {
      device: ['Guessing tablet'],
      where: /Where: Beijing\b[^(]*\(IP 162\.105\.1\.1\)\./,
    });
  });

  it('says which device was not let in within 10 minutes, from where and when', async () => {
    const late = await signIn(server.url, email, deviceDescription('Late laptop'), '81.2.69.160');
    clock.skew += 11 * 60_000;
    // Looking at the attempt ends it.
    expect((await late.client.post('/api/auth/enrolment/complete', { code: '123456' })).status).not.toBe(200);
    const mail = await mailAbout('A sign-in request expired', 'Late laptop');
    await expectFacts(mail, late, {
      device: ['Late laptop'],
      where: /Where: London, England, United Kingdom \(IP 81\.2\.69\.160\)\./,
    });
  });
});
