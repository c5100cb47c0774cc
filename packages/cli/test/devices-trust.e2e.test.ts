import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { LAST_TRUSTED_NOTE } from '../src/commands/devices.ts';
import { Device, PASSWORD, cleanUp, createAccount, failed } from './support/cli.ts';

interface DeviceJson {
  id: string;
  name: string;
  status: string;
}

// Letting devices in and out from the command line: approve prints the code, enrol types it in.
describe('shoebox devices: approve, deny, remove', { timeout: 180_000 }, () => {
  let server: TestServer;
  let desk: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desk = new Device(server.url, 'desk');
    await createAccount(desk, 'kim@example.com');
    await desk.login('kim@example.com', ['--device-name', 'Desk']);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('approves a waiting device with a code typed on it; lists devices with their status', async () => {
    const laptop = new Device(server.url, 'laptop');
    const pending = await laptop.login('kim@example.com', ['--device-name', 'Laptop']);
    expect(pending.status).toBe('pending');
    const before = await desk.json<{ items: DeviceJson[] }>(['devices']);
    expect(before.items.find((d) => d.id === pending.deviceId)?.status).toBe('pending');
    // A code typed before any trusted device approved it: said as that, not as a missing authenticator app.
    expect(failed(await laptop.run(['enrol', '--code', '123456']), 1)).toMatch(
      /^No trusted device has approved this device yet, and the account has no authenticator app/,
    );

    const approved = await desk.json<{ code: string; deviceId: string }>([
      'devices',
      'approve',
      pending.deviceId,
    ]);
    expect(approved.deviceId).toBe(pending.deviceId);
    expect(approved.code).toMatch(/^\d{6}$/);
    expect(await laptop.json(['enrol', '--code', approved.code])).toMatchObject({ state: 'approved' });
    const after = await desk.json<{ items: DeviceJson[] }>(['devices']);
    expect(after.items.find((d) => d.id === pending.deviceId)?.status).toBe('trusted');
    // Approving again: nothing is waiting any more, said in one line.
    expect(failed(await desk.run(['devices', 'approve', pending.deviceId]))).toMatch(
      /is waiting for approval/,
    );

    // Removed: its session ends at once.
    expect(await desk.json(['devices', 'remove', pending.deviceId])).toEqual({
      deviceId: pending.deviceId,
      status: 'removed',
    });
    expect((await laptop.run(['whoami'])).code).not.toBe(0);
  });

  it('denies a waiting device, which then cannot sign in with a code', async () => {
    const tablet = new Device(server.url, 'tablet');
    const pending = await tablet.login('kim@example.com', ['--device-name', 'Tablet']);
    expect(await desk.json(['devices', 'deny', pending.deviceId])).toEqual({
      deviceId: pending.deviceId,
      status: 'denied',
    });
    const list = await desk.json<{ items: DeviceJson[] }>(['devices']);
    expect(list.items.find((d) => d.id === pending.deviceId)?.status).toBe('denied');
    expect((await tablet.run(['enrol', '--code', '123456'])).code).not.toBe(0);
  });

  it('refuses to remove the last trusted device while nothing else could let a device in', async () => {
    const list = await desk.json<{ items: (DeviceJson & { current?: boolean })[] }>(['devices']);
    const own = list.items.find((d) => d.name === 'Desk');
    expect(list.items.filter((d) => d.status === 'trusted').map((d) => d.name)).toEqual(['Desk']);
    // No authenticator, passkey or recovery codes, and no mail: removing it would lock the account out for good.
    const refused = await desk.run(['devices', 'remove', own?.id ?? 'missing']);
    expect(failed(refused, 1)).toMatch(
      /^This is the account’s last trusted device, and nothing else could let/,
    );
    expect((await desk.run(['whoami'])).code).toBe(0);
  });

  it('removing the last trusted device says that nothing is left to approve a sign-in', async () => {
    const list = await desk.json<{ items: (DeviceJson & { current?: boolean })[] }>(['devices']);
    const own = list.items.find((d) => d.name === 'Desk');
    // With recovery codes, a new device can be let in later: the removal goes ahead, with the note.
    await desk.json(['security', 'recovery-codes', '--password-stdin'], { stdin: `${PASSWORD}\n` });
    const run = await desk.run(['devices', 'remove', own?.id ?? 'missing', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ deviceId: own?.id, status: 'removed' });
    expect(run.stderr).toBe(`${LAST_TRUSTED_NOTE}\n`);
    expect((await desk.run(['whoami'])).code).not.toBe(0);
  });
});
