import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, cleanUp, createAccount, failed, ok, type LoginJson } from './support/cli.ts';

interface SessionJson {
  id: string;
  deviceId: string;
  deviceName: string;
  client: string;
  current: boolean;
}

// Issue 4 req. 3 from the command line: list the account's live sessions and end one of them.
describe('shoebox sessions: list and remove', { timeout: 180_000 }, () => {
  let server: TestServer;
  let desk: Device;
  let laptop: Device;
  let deskLogin: LoginJson;
  let laptopDeviceId: string;
  /** The laptop's session, as the desk's list shows it. */
  let laptopSession = '';

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desk = new Device(server.url, 'desk');
    laptop = new Device(server.url, 'laptop');
    await createAccount(desk, 'ola@example.com');
    deskLogin = await desk.login('ola@example.com', ['--device-name', 'Desk']);
    const pending = await laptop.login('ola@example.com', ['--device-name', 'Laptop']);
    const { code } = await desk.json<{ code: string }>(['devices', 'approve', pending.deviceId]);
    await laptop.json(['enrol', '--code', code]);
    laptopDeviceId = pending.deviceId;
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('lists the live sessions, marking this one', async () => {
    const { items } = await desk.json<{ items: SessionJson[] }>(['sessions']);
    const mine = items.find((s) => s.current);
    expect(mine).toMatchObject({ deviceId: deskLogin.deviceId, deviceName: 'Desk', client: 'device' });
    const theirs = items.find((s) => s.deviceId === laptopDeviceId);
    expect(theirs).toMatchObject({ deviceName: 'Laptop', current: false });
    laptopSession = theirs?.id ?? '';
    // Readable without --json: one line each, this one marked with `*`.
    const text = ok(await desk.run(['sessions']));
    expect(text).toMatch(new RegExp(`^\\* ${mine?.id ?? 'none'}  device  Desk  signed in `, 'm'));
    expect(text).toMatch(new RegExp(`^  ${laptopSession}  device  Laptop  `, 'm'));
    // Times say their zone.
    expect(text).toMatch(/signed in \d{4}-\d\d-\d\d \d\d:\d\d UTC, last seen \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('signing in again replaces the session and keeps how the device described itself', async () => {
    const again = new Device(server.url, 'again');
    await again.login('ola@example.com', [
      '--device-name',
      'Spare',
      '--device-model',
      'NUC 12',
      '--serial',
      'SN-SPARE',
    ]);
    const first = await again.json<{ device: { id: string } }>(['whoami']);
    await again.login('ola@example.com');
    await again.login('ola@example.com');
    const { items } = await desk.json<{ items: SessionJson[] }>(['sessions']);
    expect(items.filter((s) => s.deviceId === first.device.id)).toHaveLength(1);
    const devices = await desk.json<{
      items: { id: string; name: string; model: string | null; serial: string | null }[];
    }>(['devices']);
    expect(devices.items.find((d) => d.id === first.device.id)).toMatchObject({
      name: 'Spare',
      model: 'NUC 12',
      serial: 'SN-SPARE',
    });
    // Told otherwise, it says otherwise.
    await again.login('ola@example.com', ['--device-name', 'Spare 2']);
    const renamed = await desk.json<{ items: { id: string; name: string }[] }>(['devices']);
    expect(renamed.items.find((d) => d.id === first.device.id)?.name).toBe('Spare 2');
  });

  it('ends another session at once; that device is signed out, this one is not', async () => {
    expect(laptopSession).not.toBe('');
    expect((await laptop.run(['whoami'])).code).toBe(0);
    expect(await desk.json(['sessions', 'remove', laptopSession])).toEqual({
      sessionId: laptopSession,
      status: 'ended',
    });
    expect((await laptop.run(['whoami'])).code).not.toBe(0);
    expect((await desk.run(['whoami'])).code).toBe(0);
    const { items } = await desk.json<{ items: SessionJson[] }>(['sessions']);
    expect(items.map((s) => s.id)).not.toContain(laptopSession);
    // Again: that session is no longer there, said in one line.
    expect(failed(await desk.run(['sessions', 'remove', laptopSession]), 1)).toMatch(/not found/i);
  });

  it("cannot end another account's session", async () => {
    const other = new Device(server.url, 'other');
    await createAccount(desk, 'pat@example.com');
    await other.login('pat@example.com', ['--device-name', 'Other']);
    const { items } = await desk.json<{ items: SessionJson[] }>(['sessions']);
    const deskSession = items.find((s) => s.current)?.id ?? '';
    expect(failed(await other.run(['sessions', 'remove', deskSession]), 1)).toMatch(/not found/i);
    expect((await desk.run(['whoami'])).code).toBe(0);
  });
});
