import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  eventually,
  PASSWORD,
  signIn,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';

const NEW_PASSWORD = 'copper-lantern-meadow-77';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(): Promise<{ url: string; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

describe('security notices by e-mail', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer('sqlite', {
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    owner = await adminSession(server.url, 'owner@example.com');
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('e-mails the owner when a new device signs in, with place, IP and a "This wasn\'t me" link', async () => {
    const stranger = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('Redmi K40', { model: 'M2012K11AC' }),
      '210.39.1.1',
    );
    const mail = await eventually(
      async () => Promise.resolve(smtp.inbox.find((m) => m.raw.includes('new device wants to join'))),
      10_000,
      'the e-mail',
    );
    expect(mail.to).toEqual(['owner@example.com']);
    // Undo quoted-printable soft line breaks and the escaped '='.
    const body = mail.raw.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
    expect(body).toContain('Redmi K40');
    expect(body).toContain('210.39.1.1');
    expect(body).toMatch(/Guangdong/);
    // The link carries a single-use token (not the device id): it removes that device and requires a new password.
    const token = /https:\/\/photos\.example\.com\/not-me\?token=([\w-]+)/.exec(body)?.[1];
    expect(token).toBeDefined();
    const anonymous = new TestClient(server.url);
    const used = await anonymous.post<{ removedDeviceId: string }>('/api/security/not-me/link', { token });
    expect(used.status).toBe(200);
    expect(used.body.removedDeviceId).toBe(stranger.deviceId);
    expect((await stranger.client.get('/api/me')).status).toBe(401);
    expect((await anonymous.post('/api/security/not-me/link', { token })).status).toBe(404);
    // Until the password changes no new device gets in with it; the owner's trusted device changes it.
    const again = await anonymous.post<{ code: string }>('/api/auth/sign-in', {
      email: 'owner@example.com',
      password: PASSWORD,
      device: deviceDescription('Redmi K40 again'),
    });
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('password_change_required');
    const changed = await owner.client.post('/api/account/password', { newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    await owner.client.post('/api/account/password', {
      currentPassword: NEW_PASSWORD,
      newPassword: PASSWORD,
      signOutOtherSessions: false,
    });
  });

  it('e-mails the owner when a request is refused', async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Another phone'));
    const list = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = list.body.items.find((r) => r.device.id === stranger.deviceId);
    await owner.client.post(`/api/enrolments/${request?.id ?? ''}/deny`);
    const mail = await eventually(
      async () => Promise.resolve(smtp.inbox.find((m) => m.raw.includes('You refused a new device'))),
      10_000,
      'the e-mail',
    );
    expect(mail.to).toEqual(['owner@example.com']);
  });

  it('e-mails the owner about an unusual sign-in, with the place and what is unusual about it', async () => {
    // Beijing, then moments later London: a new country, too far to have travelled, while Beijing is in use.
    // (Beijing itself is unusual too: the stranger above signed in from Shenzhen moments before.)
    await signIn(server.url, 'owner@example.com', deviceDescription('Phone in Beijing'), '162.105.1.1');
    await signIn(server.url, 'owner@example.com', deviceDescription('Laptop in London'), '81.2.69.160');
    const decoded = (raw: string) => raw.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
    const mail = await eventually(
      async () =>
        Promise.resolve(
          smtp.inbox.find(
            (m) => m.raw.includes('An unusual sign-in') && decoded(m.raw).includes('Laptop in London'),
          ),
        ),
      10_000,
      'the e-mail',
    );
    expect(mail.to).toEqual(['owner@example.com']);
    const body = decoded(mail.raw);
    expect(body).toContain('London, England, United Kingdom (IP 81.2.69.160)');
    expect(body).toContain('from a country none of your last 10 sign-ins came from');
    expect(body).toContain('too far from your previous sign-in');
    expect(body).toContain('more than 500 km away');
    expect(body).toMatch(/https:\/\/photos\.example\.com\/not-me\?token=/);
  });
});
