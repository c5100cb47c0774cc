import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy.ts';
import {
  Device,
  cleanUp,
  escapeRegExp,
  createAccount,
  failed,
  ok,
  okJson,
  oneFailureLine,
  shoebox,
  tempDir,
} from './support/cli.ts';
import type { LoginJson } from './support/cli.ts';
import { copyPhoto, sha256, type PhotoJson, type UploadJson } from './support/photos.ts';

// One account and its first device, from the first run on a new server to signing out: sign-up, sign-in,
// uploads, listing. Tests run in order and build on each other.
describe('shoebox CLI against a real server', { timeout: 180_000 }, () => {
  let server: TestServer;
  let proxy: CountingProxy;
  let laptop: Device;
  let login: LoginJson;
  let folder: string;
  let webp: string;
  const ids = new Map<string, string>(); // file name -> photo id

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    // The laptop reaches the server through a proxy that counts parallel uploads; everything else passes.
    proxy = await startCountingProxy(server.url, 4);
    laptop = new Device(proxy.url, 'laptop');
    folder = tempDir('photos');
    copyPhoto('cameras/gopro-hero6-8x8.jpg', path.join(folder, 'gopro-hero6-8x8.jpg'));
    copyPhoto('phones/google-pixel8pro-8x8.jpg', path.join(folder, '2023', 'google-pixel8pro-8x8.jpg'));
    copyPhoto('orientation/tiny-f6t.jpg', path.join(folder, '2023', 'madrid', 'tiny-f6t.jpg'));
    copyPhoto('png/canon-powershot-s40-exif-gps.png', path.join(folder, '2023', 'madrid', 's40.png'));
    copyPhoto('tricky/Olympus μ Digital 800.JPG', path.join(folder, 'Olympus μ Digital 800.JPG'));
    // Inside a folder, hidden files and files without a photo extension are left alone.
    copyPhoto('cameras/fujifilm-finepix2400-8x8.jpg', path.join(folder, '.hidden.jpg'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a photo');
    webp = copyPhoto('webp/htc-desire-gps.webp', path.join(tempDir('single'), 'htc-desire-gps.webp'));
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
    cleanUp();
  });

  it('creates the first account as the admin and signs the device in with its description', async () => {
    const before = await laptop.json<{ name: string; initialized: boolean; signupPolicy: string }>([
      'server-info',
    ]);
    expect(before).toMatchObject({ name: 'shoebox', initialized: false, signupPolicy: 'closed' });
    // An address copied with the API's /api is the same server.
    const viaApi = okJson<{ name: string }>(
      await shoebox(['--home', laptop.home, '--server', `${server.url}/api/`, 'server-info', '--json']),
    );
    expect(viaApi.name).toBe('shoebox');
    const admin = await createAccount(laptop, 'Ada@Example.com', ['--display-name', 'Ada']);
    expect(admin).toMatchObject({ email: 'ada@example.com', role: 'admin', displayName: 'Ada' });

    const flags = ['--device-name', 'Laptop', '--device-model', 'ThinkPad X1', '--serial', 'PF-12345'];
    login = await laptop.login('ada@example.com', flags);
    expect(login.status).toBe('trusted');
    expect(login.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(login.account).toMatchObject({ id: admin.id, email: 'ada@example.com', role: 'admin' });
    expect(login.device).toMatchObject({
      id: login.deviceId,
      name: 'Laptop',
      model: 'ThinkPad X1',
      serial: 'PF-12345',
    });
    expect(login.server).toBe(proxy.url);
    expect(JSON.stringify(login)).not.toContain('token');
    // The session token stays in the device's home, readable by its owner only.
    const state = path.join(laptop.home, 'device.json');
    expect(fs.statSync(state).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(state, 'utf8'))).toMatchObject({
      deviceId: login.deviceId,
      server: proxy.url,
    });

    const [who, whoText, after] = await Promise.all([
      laptop.json<{ deviceId: string; accountId: string; email: string; server: string }>(['whoami']),
      laptop.run(['whoami']),
      laptop.json<{ initialized: boolean }>(['server-info']),
    ]);
    expect(who).toMatchObject({ deviceId: login.deviceId, accountId: admin.id, email: 'ada@example.com' });
    expect(who.server).toBe(proxy.url);
    expect(ok(whoText).split('\n')).toEqual([
      `account  ada@example.com (admin, ${admin.id})`,
      `device   Laptop (${login.deviceId}, trusted)`,
      `server   ${proxy.url}`,
      '',
    ]);
    expect(after.initialized).toBe(true);
  });

  it('uploads files and folders recursively, four at a time, each with its photo id', async () => {
    const result = okJson<UploadJson>(await laptop.run(['upload', folder, webp, '--json']));
    expect(result).toMatchObject({ uploaded: 6, skipped: 0, failed: 0 });
    const names = result.files.map((f) => path.basename(f.file)).sort();
    expect(names).toEqual([
      'Olympus μ Digital 800.JPG',
      'google-pixel8pro-8x8.jpg',
      'gopro-hero6-8x8.jpg',
      'htc-desire-gps.webp',
      's40.png',
      'tiny-f6t.jpg',
    ]);
    for (const f of result.files) {
      expect(f.status).toBe('uploaded');
      expect(f.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(f.sha256).toBe(sha256(f.file));
      ids.set(path.basename(f.file), f.id ?? '');
    }
    expect(new Set(ids.values()).size).toBe(6);
    // Six uploads with the default concurrency: four in flight together, never more.
    expect(proxy.maxInFlight).toBe(4);
    proxy.expected = 1;
  });

  it('skips what the server already has and reports files it refuses, with reasons', async () => {
    const bad = tempDir('bad');
    const text = copyPhoto('malformed/plain-text.jpg', path.join(bad, 'plain-text.jpg'));
    const empty = copyPhoto('malformed/zero-bytes.jpg', path.join(bad, 'zero-bytes.jpg'));
    const notes = path.join(folder, 'notes.txt');
    const [again, human] = await Promise.all([
      laptop.run(['upload', folder, webp, text, empty, '--json']),
      laptop.run(['upload', notes, path.join(bad, 'missing.jpg')]),
    ]);

    expect(again.code).toBe(1);
    expect(oneFailureLine(again)).toBe('2 of 8 file(s) could not be uploaded.');
    const report = JSON.parse(again.stdout) as UploadJson;
    expect(report).toMatchObject({ uploaded: 0, skipped: 6, failed: 2 });
    for (const f of report.files.filter((x) => x.status === 'skipped')) {
      expect(f.id).toBe(ids.get(path.basename(f.file)));
      expect(f.reason).toBe('already in the library');
    }
    const byName = new Map(report.files.map((f) => [path.basename(f.file), f]));
    expect(byName.get('plain-text.jpg')).toMatchObject({ status: 'failed', code: 'unsupported_media_type' });
    expect(byName.get('plain-text.jpg')?.reason).toMatch(/^This is not a photo Shoebox can keep/);
    expect(byName.get('zero-bytes.jpg')).toMatchObject({
      status: 'failed',
      code: 'empty_file',
      reason: 'The file is empty (0 bytes).',
    });

    // Without --json: the failures with their reasons, then the counts; the verdict is the one stderr line.
    expect(human.code).toBe(1);
    expect(oneFailureLine(human)).toBe('2 of 2 file(s) could not be uploaded.');
    expect(human.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^failed   ${escapeRegExp(notes)}: This is not a photo Shoebox can keep`),
      ),
      `failed   ${path.join(bad, 'missing.jpg')}: No such file or folder.`,
      '0 uploaded, 0 skipped (already in the library), 2 failed.',
      '',
    ]);
  });

  it('lists the library newest first, and limits the list', async () => {
    const [all, text, two] = await Promise.all([
      laptop.json<{ items: PhotoJson[] }>(['ls']),
      laptop.run(['ls']),
      laptop.json<{ items: PhotoJson[] }>(['ls', '--limit', '2']),
    ]);
    expect(all.items.map((p) => p.id).sort()).toEqual([...ids.values()].sort());
    const times = all.items.map((p) => p.sortTime);
    expect(times).toEqual([...times].sort().reverse());
    expect(two.items.map((p) => p.id)).toEqual(all.items.slice(0, 2).map((p) => p.id));
    const lines = ok(text).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const pixel = all.items.find((p) => p.id === ids.get('google-pixel8pro-8x8.jpg'));
    expect(lines).toContain(`${pixel?.id}  2023-10-06 22:53:51     40 KB  google-pixel8pro-8x8.jpg`);
  });

  it('signs out: the session ends on the server and the token leaves the device', async () => {
    expect(await laptop.json(['logout'])).toEqual({ signedOut: true, server: proxy.url });
    const state = JSON.parse(fs.readFileSync(path.join(laptop.home, 'device.json'), 'utf8')) as object;
    expect(state).not.toHaveProperty('token');
    const [who, again] = await Promise.all([laptop.run(['whoami']), laptop.run(['logout'])]);
    expect(failed(who)).toBe('Not signed in on this device: run `shoebox login --email <e-mail>` first.');
    expect(failed(again)).toBe('This device is not signed in.');
  });
});
