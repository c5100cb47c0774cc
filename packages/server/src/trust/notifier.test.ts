import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';

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
    expect(body).toContain(`https://photos.example.com/devices?not-me=${stranger.deviceId}`);
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
});
