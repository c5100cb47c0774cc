import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, PASSWORD, cleanUp, createAccount, type LoginJson } from './support/cli.ts';

// The device credential from the command line: kept in the home's device.json (0600) and never printed, sent at
// the next login so a trusted device comes back trusted (with a new one), while a home holding only a copied
// installation id becomes a new device of its own (the server gives it a new id) and waits for approval.
describe('device credentials from the command line', { timeout: 300_000 }, () => {
  let server: TestServer;
  const email = 'kit@example.com';

  beforeAll(async () => {
    server = await startTestServer('sqlite', { config: { mediaWorkers: 0 } });
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  const stateOf = (device: Device) => {
    const file = path.join(device.home, 'device.json');
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      installationId: string;
      deviceCredentials?: Record<string, string>;
    };
    return { state, mode: fs.statSync(file).mode & 0o777 };
  };
  const credentialOf = (device: Device) =>
    stateOf(device).state.deviceCredentials?.[`${server.url} ${email}`];

  it('keeps the credential out of sight, logs in again as trusted with it, and a copied id waits', async () => {
    const laptop = new Device(server.url, 'kit-laptop');
    await createAccount(laptop, email);
    const first = await laptop.run(['login', '--email', email, '--password-stdin', '--json'], {
      stdin: `${PASSWORD}\n`,
    });
    const { status, deviceId: laptopId } = JSON.parse(first.stdout) as LoginJson;
    expect(status).toBe('trusted');
    const given = credentialOf(laptop) ?? '';
    expect(given).toMatch(/^[\w-]{43}$/);
    expect(stateOf(laptop).mode).toBe(0o600);
    expect(first.stdout + first.stderr).not.toContain(given);

    // A second device let in with a trusted device's code keeps its credential too, and does not print it.
    const phone = new Device(server.url, 'kit-phone');
    const pending = await phone.login(email, ['--no-wait']);
    expect(pending.status).toBe('pending');
    const approved = await laptop.json<{ code: string }>(['devices', 'approve', pending.deviceId]);
    const enrolled = await phone.run(['enrol', '--code', approved.code, '--json']);
    expect(JSON.parse(enrolled.stdout)).toEqual({ state: 'approved', deviceId: pending.deviceId });
    expect(credentialOf(phone)).toMatch(/^[\w-]{43}$/);
    expect(enrolled.stdout).not.toContain(credentialOf(phone));

    await laptop.json(['logout']);
    expect((await laptop.login(email)).status).toBe('trusted');
    const next = credentialOf(laptop);
    expect(next).toMatch(/^[\w-]{43}$/);
    expect(next).not.toBe(given);

    // Someone who copied the installation id (not the credential) into a home of their own.
    const copy = new Device(server.url, 'kit-copy');
    fs.mkdirSync(copy.home, { recursive: true });
    const installationId = stateOf(laptop).state.installationId;
    fs.writeFileSync(path.join(copy.home, 'device.json'), JSON.stringify({ installationId }), {
      mode: 0o600,
    });
    const copied = await copy.login(email, ['--no-wait']);
    // A new device of its own, whose id the copy keeps; the laptop is left alone and keeps working.
    expect(copied.status).toBe('pending');
    expect(copied.deviceId).not.toBe(laptopId);
    const assigned = stateOf(copy).state.installationId;
    expect(assigned).not.toBe(installationId);
    expect(stateOf(laptop).state.installationId).toBe(installationId);
    const me = await laptop.json<{ device: { id: string; status: string } }>(['whoami']);
    expect(me.device).toMatchObject({ id: laptopId, status: 'trusted' });
    // Its next login finds its own device (still pending), not the laptop's.
    expect(await copy.login(email, ['--no-wait'])).toMatchObject({
      status: 'pending',
      deviceId: copied.deviceId,
    });
    expect(stateOf(copy).state.installationId).toBe(assigned);
    expect((await laptop.login(email)).status).toBe('trusted');
  });
});
