import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  BIN,
  Device,
  PASSWORD,
  cleanUp,
  cliEnv,
  createAccount,
  failed,
  ok,
  okJson,
  shoebox,
  tempDir,
} from './support/cli.ts';
import type { LoginJson } from './support/cli.ts';
import { copyPhoto, type UploadJson } from './support/photos.ts';

// Two devices of one account on one machine, told apart only by their --home folders; and the environment
// variables that stand in for flags.
describe('devices side by side, and configuration from the environment', { timeout: 180_000 }, () => {
  let server: TestServer;
  let desktop: Device;
  let phone: Device;
  let desktopLogin: LoginJson;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desktop = new Device(server.url, 'desktop');
    phone = new Device(server.url, 'phone');
    await createAccount(desktop, 'sam@example.com');
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('takes the server, home and device description from SHOEBOX_* variables', async () => {
    const env = {
      SHOEBOX_SERVER: server.url,
      SHOEBOX_HOME: desktop.home,
      SHOEBOX_DEVICE_NAME: 'Desktop',
      SHOEBOX_DEVICE_MODEL: 'Mac Studio',
      SHOEBOX_DEVICE_SERIAL: 'C02XYZ',
    };
    desktopLogin = okJson<LoginJson>(
      await shoebox(['login', '--email', 'sam@example.com', '--password-stdin', '--json'], {
        env,
        stdin: PASSWORD,
      }),
    );
    expect(desktopLogin).toMatchObject({ status: 'trusted', server: server.url });
    expect(desktopLogin.device).toMatchObject({ name: 'Desktop', model: 'Mac Studio', serial: 'C02XYZ' });
    // Neither --server nor --home: both come from the environment, and the session from that home.
    const who = okJson<{ deviceId: string; server: string }>(
      await shoebox(['whoami', '--json'], {
        env: { SHOEBOX_SERVER: server.url, SHOEBOX_HOME: desktop.home },
      }),
    );
    expect(who).toMatchObject({ deviceId: desktopLogin.deviceId, server: server.url });
  });

  it('signs a second device in as pending; it can do nothing until approved', async () => {
    // Flags win over the environment.
    const env = { SHOEBOX_DEVICE_NAME: 'from-env', SHOEBOX_DEVICE_MODEL: 'env-model' };
    const login = await phone.run(
      [
        'login',
        '--email',
        'sam@example.com',
        '--password-stdin',
        '--device-name',
        'Pixel',
        '--serial',
        'P-1',
      ],
      { env, stdin: PASSWORD },
    );
    const state = (home: string) =>
      JSON.parse(fs.readFileSync(path.join(home, 'device.json'), 'utf8')) as {
        installationId: string;
        deviceId: string;
      };
    const phoneId = state(phone.home).deviceId;
    expect(phoneId).not.toBe(desktopLogin.deviceId);
    expect(state(phone.home).installationId).not.toBe(state(desktop.home).installationId);
    expect(ok(login)).toBe(
      `Signed in to sam@example.com as device "Pixel" (${phoneId}), which is pending: approve it on a trusted ` +
        `device (\`shoebox devices approve ${phoneId}\`), then finish here with ` +
        `\`shoebox login --email sam@example.com --code <code>\` (or an authenticator, e-mailed or recovery code).\n`,
    );

    const photo = copyPhoto('cameras/nikon-e775-8x8.jpg', path.join(tempDir('p'), 'n.jpg'));
    const [ls, upload, who, desktopLs] = await Promise.all([
      phone.run(['ls']),
      phone.run(['upload', photo, '--json']),
      phone.json<{ deviceId: string; accountId: string; device: Record<string, unknown> }>(['whoami']),
      desktop.json<{ items: unknown[] }>(['ls']),
    ]);
    const waiting = 'This device is waiting for approval from one of your trusted devices.';
    expect(failed(ls, 1)).toBe(waiting);
    expect(failed(upload, 1)).toBe(waiting);
    expect(who).toMatchObject({ deviceId: phoneId, accountId: desktopLogin.account.id });
    expect(who.device).toMatchObject({ name: 'Pixel', model: 'env-model', serial: 'P-1', status: 'pending' });
    expect(desktopLs.items).toEqual([]);
  });

  it('draws a progress bar on a terminal, and never with --json or off a terminal', async () => {
    const dir = tempDir('tty');
    copyPhoto('cameras/olympus-c2000z-8x8.jpg', path.join(dir, 'a.jpg'));
    copyPhoto('cameras/sony-slt-a58-10x10.JPG', path.join(dir, 'b.JPG'));
    copyPhoto('cameras/canon-eos-digital-rebel-8x8.jpg', path.join(dir, 'c.jpg'));
    const inTerminal = (args: string[]) => {
      // `script` gives the CLI a pseudo-terminal; its stdout and stderr both arrive on script's stdout.
      const command = [process.execPath, BIN, '--server', server.url, '--home', desktop.home, ...args]
        .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
        .join(' ');
      return promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: cliEnv() });
    };
    const [tty, ttyJson] = await Promise.all([
      inTerminal(['upload', path.join(dir, 'a.jpg'), path.join(dir, 'b.JPG')]),
      inTerminal(['upload', path.join(dir, 'c.jpg'), '--json']),
    ]);
    expect(tty.stdout).toMatch(/\r\[#{24}\] 2\/2 files /);
    expect(tty.stdout).toMatch(/2 uploaded, 0 skipped \(already in the library\), 0 failed\.\r?\n$/);
    expect(ttyJson.stdout).not.toContain('\r[');
    expect(JSON.parse(ttyJson.stdout) as UploadJson).toMatchObject({ uploaded: 1, failed: 0 });
    // Off a terminal (as in every other test) stderr stays empty: ok() checks exactly that.
    expect(ok(await desktop.run(['upload', dir]))).toBe(
      '0 uploaded, 3 skipped (already in the library), 0 failed.\n',
    );
  });
});
