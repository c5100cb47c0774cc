import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { adminSession, allPhotos, type SignedIn } from '../../server/test/support/api.ts';
import { Device, cleanUp, okJson, tempDir, type LoginJson } from './support/cli.ts';
import { copyPhoto, manifestRow, sha256 } from './support/photos.ts';
import { deviceFor, listFiles, startAgent } from './sync-helpers.ts';

const EMAIL = 'ines@example.com';
/** Real corpus photos the new laptop already has in its folder when it first signs in. */
const PHOTOS = {
  'gopro.jpg': 'cameras/gopro-hero6-8x8.jpg',
  'holiday/nikon.jpg': 'cameras/nikon-e775-8x8.jpg',
  'holiday/sony.jpg': 'cameras/sony-dsc-f828-8x8.jpg',
} as const;

// Requirement 9: a device signed in before its approval has nothing in the library; its sync agent keeps the
// folder's files to itself while it waits, and uploads them once a trusted device has let it in.
describe('shoebox sync on a device waiting for approval', { timeout: 180_000 }, () => {
  let server: TestServer;
  let owner: SignedIn;
  let desk: Device;
  let laptop: Device;
  let dir: string;
  let laptopId: string;
  const expected = Object.values(PHOTOS)
    .map((p) => manifestRow(p).sha256)
    .sort();

  /** What the owner's library holds, as the trusted device sees it. */
  const library = async () => (await allPhotos(owner.client)).map((p) => p.sha256).sort();
  /** The folder is exactly as the owner left it: the same files, byte for byte. */
  const folderUntouched = () => {
    expect(listFiles(dir)).toEqual(Object.keys(PHOTOS).sort());
    expect(
      Object.keys(PHOTOS)
        .map((name) => sha256(path.join(dir, name)))
        .sort(),
    ).toEqual(expected);
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    owner = await adminSession(server.url, EMAIL);
    desk = deviceFor(server.url, 'desk', owner);
    laptop = new Device(server.url, 'laptop');
    dir = tempDir('laptop-photos');
    for (const [name, corpus] of Object.entries(PHOTOS)) copyPhoto(corpus, path.join(dir, name));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('holds the folder’s photos while pending, and uploads them after approval with the code', async () => {
    const login = await laptop.login(EMAIL, ['--device-name', 'Laptop', '--no-wait']);
    expect(login.status).toBe('pending');
    laptopId = login.deviceId;

    // A single pass refuses to do anything and says why; the library stays empty.
    const once = await laptop.run(['sync', dir, '--once']);
    expect(once.code).toBe(1);
    expect(once.stderr).toMatch(/waiting for approval/);
    expect(await library()).toEqual([]);
    folderUntouched();

    // The long-running agent waits, polling, without sending anything.
    const agent = startAgent(laptop, dir);
    try {
      await agent.waitFor('waiting for approval');
      // Longer than the agent's 2-second poll: it has looked again and still holds the files.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await library()).toEqual([]);
      folderUntouched();

      // The trusted desk allows it; until the code is typed on the laptop, nothing goes up.
      const approved = await desk.json<{ code: string; deviceId: string }>(['devices', 'approve', laptopId]);
      expect(approved.code).toMatch(/^\d{6}$/);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await library()).toEqual([]);

      const done = okJson<LoginJson>(
        await laptop.run(['login', '--email', EMAIL, '--code', approved.code, '--json']),
      );
      expect(done.status).toBe('trusted');
      expect(done.deviceId).toBe(laptopId);

      // The waiting agent carries on by itself: every held file reaches the owner's library, bytes intact.
      await agent.waitFor('up to date', 60_000);
      expect(await library()).toEqual(expected);
    } finally {
      const stopped = await agent.stop();
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(JSON.parse(stopped.stdout)).toMatchObject({ uploaded: 3, errors: [] });
    }
    const photos = await allPhotos(owner.client);
    for (const photo of photos) {
      expect(photo.upload.deviceId).toBe(laptopId);
      expect(photo.upload.deviceName).toBe('Laptop');
      const name = photo.claims.fileName ?? '';
      expect(Object.keys(PHOTOS).map((n) => path.basename(n))).toContain(name);
    }
    folderUntouched();
    // Nothing was written into the folder besides the agent's hidden state.
    expect(
      fs
        .readdirSync(dir)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['gopro.jpg', 'holiday']);
  });
});
