import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { base32Decode, totp } from '../../server/src/trust/totp.ts';
import { startSmtp } from '../../server/test/support/smtp.ts';
import { eventually } from '../../server/test/support/api.ts';
import { Device, PASSWORD, cleanUp, createAccount, failed, ok, type LoginJson } from './support/cli.ts';

const NEW_PASSWORD = 'copper-lantern-meadow-77';
const codeAt = (secret: string, steps = 0) => totp(base32Decode(secret), Date.now() + steps * 30_000);

interface ActivityJson {
  items: {
    kind: string;
    factors: string[];
    device: { id: string } | null;
    detail: Record<string, unknown>;
  }[];
  nextCursor: string | null;
}

// Second factors from the command line: set up TOTP, let new devices in with it and with a recovery code,
// change the password, read the activity.
describe('shoebox security, login --code, password change, activity', { timeout: 180_000 }, () => {
  let server: TestServer;
  let desk: Device;
  let secret: string;
  let recovery: string[];
  const email = 'lee@example.com';

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desk = new Device(server.url, 'desk');
    await createAccount(desk, email);
    await desk.login(email, ['--device-name', 'Desk']);
  });
  afterAll(() => server.close());

  it('sets up an authenticator app in two steps and prints 10 recovery codes once', async () => {
    const setup = await desk.json<{ secret: string; uri: string; confirmed: boolean }>(
      ['security', 'totp', 'setup', '--password-stdin'],
      { stdin: `${PASSWORD}\n` },
    );
    expect(setup.confirmed).toBe(false);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    secret = setup.secret;
    const done = await desk.json<{ enabled: boolean; recoveryCodes: { codes: string[] } }>([
      'security',
      'totp',
      'confirm',
      '--code',
      codeAt(secret),
    ]);
    expect(done.enabled).toBe(true);
    recovery = done.recoveryCodes.codes;
    expect(recovery).toHaveLength(10);
    expect(await desk.json(['security'])).toMatchObject({
      totp: { enabled: true },
      recoveryCodes: { remaining: 10 },
    });
  });

  it('logs a new device in with an authenticator code in one go', async () => {
    const phone = new Device(server.url, 'phone');
    // The confirmation used this 30-second step; the next one is within the accepted window.
    const login = await phone.login(email, ['--device-name', 'Phone', '--code', codeAt(secret, 1)]);
    expect(login).toMatchObject({ status: 'trusted', device: { status: 'trusted' } });
    expect(ok(await phone.run(['whoami']))).toContain('trusted');
  });

  it('finishes a pending login later with a recovery code, without the password', async () => {
    const laptop = new Device(server.url, 'laptop');
    const pending = await laptop.login(email, ['--device-name', 'Laptop', '--no-wait']);
    expect(pending.status).toBe('pending');
    const done = await laptop.json<LoginJson>(['login', '--email', email, '--code', recovery[0] ?? '']);
    expect(done).toMatchObject({ status: 'trusted', deviceId: pending.deviceId });
    const activity = await desk.json<ActivityJson>(['activity']);
    expect(activity.items.find((a) => a.kind === 'recovery-code.used')).toMatchObject({
      device: { id: pending.deviceId },
      detail: { remaining: 9 },
    });
    expect(
      activity.items.find((a) => a.kind === 'enrolment.approved' && a.factors.includes('totp')),
    ).toBeDefined();
    // A used code is refused, in one line.
    const thief = new Device(server.url, 'thief');
    await thief.login(email, ['--no-wait']);
    expect(failed(await thief.run(['enrol', '--code', recovery[0] ?? '']))).toMatch(/not correct/);
    expect(ok(await desk.run(['activity', '--limit', '5']))).toMatch(
      /sign-in\.failed failure \[password\+recovery-code\]/,
    );
  });

  it('changes the password and signs the other devices out', async () => {
    const phoneless = await desk.json<{ endedSessions: number }>(['password', 'change', '--password-stdin'], {
      stdin: `${PASSWORD}\n${NEW_PASSWORD}\n`,
    });
    expect(phoneless.endedSessions).toBeGreaterThanOrEqual(2);
    const laptop = new Device(server.url, 'laptop2');
    expect(
      failed(await laptop.run(['login', '--email', email, '--password-stdin'], { stdin: `${PASSWORD}\n` })),
    ).toMatch(/not correct/);
    // New codes need the new password; the 2fa synonyms work too.
    const codes = await desk.json<{ codes: string[] }>(['recovery-codes', '--password-stdin'], {
      stdin: `${NEW_PASSWORD}\n`,
    });
    expect(codes.codes).toHaveLength(10);
    await desk.json(['2fa', 'totp', 'disable', '--password-stdin'], { stdin: `${NEW_PASSWORD}\n` });
    expect(await desk.json(['security'])).toMatchObject({ totp: { enabled: false } });
  });

  it('prints the QR code of a new authenticator set-up above its secret', async () => {
    const out = ok(
      await desk.run(['2fa', 'totp', 'enable', '--password-stdin'], { stdin: `${NEW_PASSWORD}\n` }),
    );
    const uri = /Or add this link: (otpauth:\S+)/.exec(out)?.[1] ?? '';
    const key = /type the key: ([A-Z2-7]{32})/.exec(out)?.[1] ?? '';
    expect(uri).toContain(`secret=${key}`);
    // The printed blocks are the QR code of exactly that link (quiet zone included).
    const qr = await QRCode.toString(uri, { type: 'utf8', errorCorrectionLevel: 'M' });
    expect(qr.split('\n').length).toBeGreaterThan(15);
    expect(out).toContain(qr);
    expect(out.indexOf(qr)).toBeLessThan(out.indexOf(key));
  });
});

describe('shoebox login --email-code', { timeout: 120_000 }, () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer('sqlite', { config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
    // The scratch folders of both groups of this file.
    cleanUp();
  });

  it('e-mails a code to the account, and `login --code` lets the waiting device in with it', async () => {
    const desk = new Device(server.url, 'mail-desk');
    await createAccount(desk, 'mo@example.com');
    await desk.login('mo@example.com');
    const phone = new Device(server.url, 'mail-phone');
    const sent = await phone.run(
      [
        'login',
        '--email',
        'mo@example.com',
        '--password-stdin',
        '--email-code',
        '--device-name',
        'Mail phone',
      ],
      { stdin: `${PASSWORD}\n` },
    );
    expect(sent.code).toBe(0);
    expect(sent.stderr).toMatch(/A code was e-mailed to m…@example\.com/);
    const message = await eventually(
      async () =>
        Promise.resolve(
          smtp.inbox.find((m) => m.text.includes('Mail phone') && m.text.includes('sign-in code')),
        ),
      10_000,
      'the e-mail',
    );
    const code = /sign-in code: (\d{8})/.exec(message.text)?.[1] ?? '';
    expect(await phone.json(['login', '--email', 'mo@example.com', '--code', code])).toMatchObject({
      status: 'trusted',
    });
    // The approval records the address only: shown alone, not as an "unknown place".
    expect(ok(await desk.run(['activity']))).toMatch(
      /enrolment\.approved success \[email-code\] Mail phone from [\d.:a-f]+$/m,
    );
  });
});
