import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, userSession } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanUp, failed, ok, tempDir, type Device } from './support/cli.ts';
import { copyPhoto, sha256, type UploadJson } from './support/photos.ts';
import { deviceFor, listFiles, syncOnce } from './sync-helpers.ts';

// Sharing an album between two accounts through the CLI, down to the member's synced folder. Tests run in order.
describe('shared albums through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let alice: Device;
  let bob: Device;
  let albumId: string;
  let alicePhoto: string;
  let aliceFile: string;
  /** Bob's synced folder. */
  let folder: string;
  let bobSha: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { config: { mediaWorkers: 0 } });
    // Accounts and sessions through the API: this file is about sharing, not signing in.
    const a = await adminSession(server.url, 'alice@example.com');
    const b = await userSession(server.url, a.client, 'bob@example.com');
    alice = deviceFor(server.url, 'alice', a);
    bob = deviceFor(server.url, 'bob', b);
    const dir = tempDir('alice-photos');
    aliceFile = copyPhoto('cameras/nikon-e775-8x8.jpg', path.join(dir, 'nikon.jpg'));
    const uploaded = await alice.json<UploadJson>(['upload', dir]);
    alicePhoto = uploaded.files[0]?.id ?? '';
    albumId = (await alice.json<{ id: string }>(['albums', 'create', 'Trip'])).id;
    await alice.json(['albums', 'add', albumId, alicePhoto]);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('shares an album; the member lists it, downloads its photo, syncs it and contributes', async () => {
    const shared = await alice.run([
      'albums',
      'share',
      albumId,
      '--with',
      'bob@example.com',
      '--role',
      'contribute',
    ]);
    expect(ok(shared)).toBe('Shared with bob@example.com (contribute).\n');
    const [list, members, mine] = await Promise.all([
      bob.run(['albums', 'list']),
      bob.run(['albums', 'members', albumId]),
      alice.run(['albums', 'list']),
    ]);
    expect(ok(list)).toBe(`${albumId}      1  Trip  (shared by alice@example.com, contribute)\n`);
    expect(ok(members)).toBe('owner       alice@example.com\ncontribute  bob@example.com\n');
    expect(ok(mine)).toBe(`${albumId}      1  Trip  (shared with 1)\n`);

    const downloads = tempDir('bob-downloads');
    expect((await bob.run(['get', alicePhoto, '-o', downloads])).code).toBe(0);
    expect(fs.readdirSync(downloads).map((f) => sha256(path.join(downloads, f)))).toEqual([
      sha256(aliceFile),
    ]);

    folder = tempDir('bob-sync');
    const synced = await syncOnce(bob, folder);
    expect(synced.errors).toEqual([]);
    const files = listFiles(folder);
    expect(files.map((f) => sha256(path.join(folder, f)))).toEqual([sha256(aliceFile)]);

    const own = tempDir('bob-photos');
    copyPhoto('cameras/sony-dsc-f828-8x8.jpg', path.join(own, 'sony.jpg'));
    const bobPhoto = (await bob.json<UploadJson>(['upload', own])).files[0]?.id ?? '';
    bobSha = sha256(path.join(own, 'sony.jpg'));
    const added = await bob.run(['albums', 'add', albumId, bobPhoto]);
    expect(ok(added)).toBe('Added 1; "Trip" has 2 photo(s).\n');
    const shown = await alice.json<{ photoIds: string[] }>(['albums', 'show', albumId]);
    expect(shown.photoIds.sort()).toEqual([alicePhoto, bobPhoto].sort());
    expect(failed(await bob.run(['albums', 'rename', albumId, 'Mine now']), 1)).toBe(
      'Only owner rights on this album let you rename it.',
    );
  });

  it("unshares: the album and its photos leave the member's list, downloads and synced folder", async () => {
    expect(failed(await alice.run(['albums', 'unshare', albumId, '--with', 'carol@example.com']), 1)).toBe(
      'carol@example.com is not a member of this album.',
    );
    const unshared = await alice.run(['albums', 'unshare', albumId, '--with', 'bob@example.com']);
    expect(ok(unshared)).toBe('No longer shared with bob@example.com.\n');
    const [list, members, download] = await Promise.all([
      bob.run(['albums', 'list']),
      alice.json<{ items: unknown[] }>(['albums', 'members', albumId]),
      bob.run(['get', alicePhoto, '-o', tempDir('bob-downloads-2')]),
    ]);
    expect(ok(list)).toBe('No albums.\n');
    expect(members.items).toEqual([]);
    expect(failed(download, 1)).toMatch(/^No photo with id "/);

    const synced = await syncOnce(bob, folder);
    expect(synced.errors).toEqual([]);
    // Bob's own photo stays in his folder; Alice's is gone from it (kept aside in the agent's trash folder).
    expect(listFiles(folder).map((f) => sha256(path.join(folder, f)))).toEqual([bobSha]);
  });
});
