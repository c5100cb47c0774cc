import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { startSmtp } from '../../server/test/support/smtp.ts';
import { eventually } from '../../server/test/support/api.ts';
import { Device, PASSWORD, cleanUp, createAccount, failed, ok } from './support/cli.ts';

interface EmailChangeJson {
  status: string;
  email: string;
  newEmail: string;
  sentTo: string | null;
  endedSessions: number;
}

describe('shoebox account email', { timeout: 180_000 }, () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let withMail: TestServer;
  let withoutMail: TestServer;

  beforeAll(async () => {
    smtp = await startSmtp();
    withMail = await startTestServer('sqlite', { config: { smtpUrl: smtp.url } });
    withoutMail = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await withMail.close();
    await withoutMail.close();
    await smtp.close();
    cleanUp();
  });

  it('asks for the password, sends a code to the new address and finishes with --code', async () => {
    const desk = new Device(withMail.url, 'email-desk');
    await createAccount(desk, 'kim@example.com');
    await desk.login('kim@example.com', ['--device-name', 'Desk']);
    const laptop = new Device(withMail.url, 'email-laptop');
    const waiting = await laptop.login('kim@example.com', ['--device-name', 'Laptop', '--no-wait']);
    const approved = await desk.json<{ code: string }>(['devices', 'approve', waiting.deviceId]);
    await laptop.json(['login', '--email', 'kim@example.com', '--code', approved.code]);

    const wrongPassword = await desk.run(['account', 'email', 'kim@example.org', '--password-stdin'], {
      stdin: 'not-the-password\n',
    });
    expect(failed(wrongPassword)).toMatch(/password is not correct/);
    const asked = await desk.json<EmailChangeJson>(
      ['account', 'email', 'kim@example.org', '--password-stdin', '--keep-other-sessions'],
      { stdin: `${PASSWORD}\n` },
    );
    expect(asked).toMatchObject({ status: 'pending', email: 'kim@example.com', sentTo: 'k…@example.org' });
    const mail = await eventually(
      () => Promise.resolve(smtp.inbox.find((m) => m.to.includes('kim@example.org'))),
      10_000,
      'the code',
    );
    const code = /confirm this address: (\d{8})/.exec(mail.text)?.[1] ?? '';
    expect(failed(await desk.run(['account', 'email', 'kim@example.org', '--code', '00000000']))).toMatch(
      /not correct; 4 tries left/,
    );
    // A code for another address than the one asked for is refused without using a try.
    expect(failed(await desk.run(['account', 'email', 'someone@example.org', '--code', code]))).toMatch(
      /another address/,
    );
    const done = await desk.json<EmailChangeJson>(['account', 'email', 'kim@example.org', '--code', code]);
    expect(done).toMatchObject({ status: 'changed', email: 'kim@example.org', endedSessions: 0 });
    // --keep-other-sessions: the laptop is still in, and its whoami shows the new address.
    expect(ok(await laptop.run(['whoami']))).toContain('kim@example.org');
    await eventually(
      () =>
        Promise.resolve(
          smtp.inbox.find((m) => m.to.includes('kim@example.com') && /changed to/.test(m.text)),
        ),
      10_000,
      'the notice to the old address',
    );
    const activity = await desk.json<{ items: { kind: string; detail: Record<string, unknown> }[] }>([
      'activity',
    ]);
    expect(activity.items.find((a) => a.kind === 'account.email-changed')?.detail).toMatchObject({
      previousEmail: 'kim@example.com',
      newEmail: 'kim@example.org',
    });
    // The new address signs in; the old one no longer does.
    const phone = new Device(withMail.url, 'email-phone');
    expect(
      failed(
        await phone.run(['login', '--email', 'kim@example.com', '--password-stdin'], {
          stdin: `${PASSWORD}\n`,
        }),
      ),
    ).toBeTruthy();
    expect((await phone.login('kim@example.org', ['--device-name', 'Phone', '--no-wait'])).status).toBe(
      'pending',
    );
  });

  it('changes at once without SMTP, signs the other sessions out, and refuses a taken address', async () => {
    const desk = new Device(withoutMail.url, 'nomail-desk');
    await createAccount(desk, 'ana@example.com');
    await desk.login('ana@example.com', ['--device-name', 'Desk']);
    await desk.json(['account', 'create', '--email', 'bo@example.com', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    });
    const taken = await desk.run(['account', 'email', 'bo@example.com', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(failed(taken)).toMatch(/cannot be used for this account/);
    const done = await desk.run(['account', 'email', 'ana@example.net', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(ok(done)).toMatch(/E-mail address changed to ana@example\.net; 0 other sessions signed out/);
    expect(ok(await desk.run(['whoami']))).toContain('ana@example.net');
  });
});
