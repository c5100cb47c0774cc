import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Passkey } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { SoftwareAuthenticator, addPasskey } from '../../server/test/support/software-authenticator.ts';
import { TestClient, deviceDescription, signIn } from '../../server/test/support/api.ts';
import { Device, PASSWORD, cleanUp, createAccount, failed, ok } from './support/cli.ts';

interface PasskeysJson {
  items: (Passkey & { id: string })[];
}

// Passkeys are added in a browser (the software authenticator stands in for it, through the API with the CLI's
// own session); the command line lists and removes them.
describe('shoebox passkeys', { timeout: 120_000 }, () => {
  let server: TestServer;
  let desk: Device;
  let api: TestClient;
  const email = 'keys@example.com';

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desk = new Device(server.url, 'desk');
    await createAccount(desk, email);
    await desk.login(email, ['--device-name', 'Desk']);
    const state = JSON.parse(fs.readFileSync(path.join(desk.home, 'device.json'), 'utf8')) as {
      token: string;
    };
    api = new TestClient(server.url, state.token);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('lists none, and says that adding one needs a browser', async () => {
    expect(await desk.json<PasskeysJson>(['passkeys'])).toEqual({ items: [] });
    expect(ok(await desk.run(['passkeys']))).toMatch(/No passkeys\.\nAdding a passkey needs a browser/);
    expect(ok(await desk.run(['passkeys', '--help']))).toMatch(/Adding a passkey needs a browser/);
  });

  it('lists passkeys with their flags, and removes one after the password', async () => {
    const phone = await addPasskey(
      api,
      new SoftwareAuthenticator(server.url, { userVerified: true }),
      'Phone',
    );
    const key = await addPasskey(
      api,
      new SoftwareAuthenticator(server.url, { userVerified: false, backupEligible: true, backedUp: true }),
      'Security key',
    );
    const list = await desk.json<PasskeysJson>(['passkeys']);
    expect(list.items).toMatchObject([
      { id: phone.id, name: 'Phone', userVerified: true, backedUp: false, lastUsedAt: null },
      { id: key.id, name: 'Security key', userVerified: false, backedUp: true },
    ]);
    const text = ok(await desk.run(['passkeys']));
    expect(text).toContain(`${phone.id}  "Phone"  added `);
    expect(text).toMatch(/"Phone".*never used {2}user-verified {2}device-bound/);
    expect(text).toMatch(/"Security key".*not user-verified {2}backed up/);

    // Another session of the account, signed out by the removal unless kept.
    const other = await signIn(server.url, email, deviceDescription('Other'));
    expect(
      failed(await desk.run(['passkeys', 'remove', phone.id, '--password-stdin'], { stdin: 'wrong-one\n' })),
    ).toMatch(/password/i);
    const kept = await desk.json<{ removed: string; endedSessions: number }>(
      ['passkeys', 'remove', key.id, '--password-stdin', '--keep-other-sessions'],
      { stdin: `${PASSWORD}\n` },
    );
    expect(kept).toEqual({ removed: key.id, endedSessions: 0 });
    const removed = ok(
      await desk.run(['passkeys', 'remove', phone.id, '--password-stdin'], { stdin: `${PASSWORD}\n` }),
    );
    expect(removed).toBe('The passkey was removed.\n1 other session signed out.\n');
    expect((await other.client.get('/api/me')).status).toBe(401);
    expect(await desk.json<PasskeysJson>(['passkeys'])).toEqual({ items: [] });
    expect(
      failed(
        await desk.run(['passkeys', 'remove', phone.id, '--password-stdin'], { stdin: `${PASSWORD}\n` }),
      ),
    ).toMatch(/No such passkey/);
  });
});
