import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, cleanUp, failed, tempDir } from './support/cli.ts';
import { copyPhoto, sha256 } from './support/photos.ts';
import { api, listFiles, syncOnce, trustedPair } from './sync-helpers.ts';

// Two devices of one account, each syncing its own folder with `--once` runs.
describe('shoebox sync --once: two folders, one library', { timeout: 180_000 }, () => {
  let server: TestServer;
  let a: Device;
  let b: Device;
  let dirA: string;
  let dirB: string;
  let photoId: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ a, b } = await trustedPair(server.url, 'lee@example.com'));
    dirA = tempDir('folder-a');
    dirB = tempDir('folder-b');
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('uploads a photo written into A’s folder and downloads it into B’s as YYYY/MM/name', async () => {
    const original = copyPhoto('cameras/nikon-e775-8x8.jpg', path.join(dirA, 'trip', 'nikon.jpg'));
    fs.utimesSync(original, new Date(Date.now() - 5000), new Date(Date.now() - 5000));
    expect(await syncOnce(a, dirA)).toEqual({
      uploaded: 1,
      downloaded: 0,
      trashedLocal: 0,
      trashedRemote: 0,
      restored: 0,
      errors: [],
    });
    expect(await syncOnce(b, dirB)).toMatchObject({ uploaded: 0, downloaded: 1, errors: [] });
    expect(listFiles(dirB)).toEqual(['2001/08/nikon.jpg']);
    const copy = path.join(dirB, '2001', '08', 'nikon.jpg');
    expect(sha256(copy)).toBe(sha256(original));
    // The file's time is the capture time (2001:08:01 12:57:23, camera clock).
    expect(fs.statSync(copy).mtime.toISOString()).toBe('2001-08-01T12:57:23.000Z');
    const existing = await api(a)<{ existing: Record<string, string> }>(
      'POST',
      '/photos/exists',
      new TextEncoder().encode(JSON.stringify({ sha256: [sha256(original)] })),
      { 'content-type': 'application/json' },
    );
    photoId = Object.values(existing.existing)[0] ?? '';
    expect(photoId).not.toBe('');
  });

  it('re-downloads nothing and re-uploads nothing after a restart', async () => {
    const [again, againB] = await Promise.all([syncOnce(a, dirA), syncOnce(b, dirB)]);
    expect(again).toMatchObject({ uploaded: 0, downloaded: 0, errors: [] });
    expect(againB).toMatchObject({ uploaded: 0, downloaded: 0, errors: [] });
  });

  it('moves B’s copy to .shoebox-trash when trashed on the server, and back when restored', async () => {
    await api(a)('POST', `/photos/${photoId}/trash`);
    expect(await syncOnce(b, dirB)).toMatchObject({ trashedLocal: 1, downloaded: 0, errors: [] });
    expect(listFiles(dirB)).toEqual([]);
    expect(fs.existsSync(path.join(dirB, '.shoebox-trash', '2001', '08', 'nikon.jpg'))).toBe(true);

    await api(a)('POST', `/photos/${photoId}/restore`);
    expect(await syncOnce(b, dirB)).toMatchObject({ restored: 1, downloaded: 0, errors: [] });
    expect(listFiles(dirB)).toEqual(['2001/08/nikon.jpg']);
  });

  it('turns a local deletion into a server trash', async () => {
    fs.rmSync(path.join(dirB, '2001', '08', 'nikon.jpg'));
    expect(await syncOnce(b, dirB)).toMatchObject({ trashedRemote: 1, errors: [] });
    const photo = await api(a)<{ status: string }>('GET', `/photos/${photoId}`);
    expect(photo.status).toBe('trashed');
    // A follows: its original goes to its own .shoebox-trash, not to oblivion.
    expect(await syncOnce(a, dirA)).toMatchObject({ trashedLocal: 1, uploaded: 0, errors: [] });
    expect(fs.existsSync(path.join(dirA, '.shoebox-trash', 'trip', 'nikon.jpg'))).toBe(true);
  });

  it('never overwrites: a name already taken becomes "name (2).jpg"', async () => {
    const other = copyPhoto('cameras/sony-dsc-f828-8x8.jpg', path.join(tempDir('elsewhere'), 'nikon.jpg'));
    // B already has its own, different nikon.jpg where the downloaded one would go.
    const mine = copyPhoto('cameras/olympus-c2000z-8x8.jpg', path.join(dirB, '2003', '12', 'nikon.jpg'));
    const mineSha = sha256(mine);
    await api(a)('POST', '/photos', fs.readFileSync(other), {
      'x-shoebox-sha256': sha256(other),
      'x-shoebox-file-name': 'nikon.jpg',
    });
    expect(await syncOnce(b, dirB)).toMatchObject({ uploaded: 1, downloaded: 1, errors: [] });
    expect(sha256(mine)).toBe(mineSha);
    expect(sha256(path.join(dirB, '2003', '12', 'nikon (2).jpg'))).toBe(sha256(other));
  });

  it('uploads a file edited in place, and trashes the version it replaced', async () => {
    const mine = path.join(dirB, '2003', '12', 'nikon.jpg');
    copyPhoto('cameras/fujifilm-finepix2400-8x8.jpg', mine);
    expect(await syncOnce(b, dirB)).toMatchObject({
      uploaded: 1,
      trashedRemote: 1,
      downloaded: 0,
      errors: [],
    });
    // The old version is not brought back beside the new one.
    expect(listFiles(dirB)).toEqual(['2003/12/nikon (2).jpg', '2003/12/nikon.jpg']);
  });

  it('takes a file moved inside the folder for a move, not a deletion', async () => {
    fs.mkdirSync(path.join(dirB, 'moved'));
    fs.renameSync(path.join(dirB, '2003', '12', 'nikon (2).jpg'), path.join(dirB, 'moved', 'sony.jpg'));
    expect(await syncOnce(b, dirB)).toMatchObject({
      uploaded: 0,
      trashedRemote: 0,
      trashedLocal: 0,
      errors: [],
    });
    expect(listFiles(dirB)).toContain('moved/sony.jpg');
  });

  it('refuses a folder it cannot write to, in one line', async () => {
    const file = path.join(tempDir('not-a-folder'), 'file');
    fs.writeFileSync(file, 'x');
    expect(failed(await a.run(['sync', path.join(file, 'sub'), '--once']))).toMatch(/not a writable folder/);
  });

  it('holds a pending device’s files locally until it is approved', async () => {
    const c = new Device(server.url, 'device-c');
    await c.login('lee@example.com');
    const dirC = tempDir('folder-c');
    copyPhoto('cameras/gopro-hero6-8x8.jpg', path.join(dirC, 'gopro.jpg'));
    const run = await c.run(['sync', dirC, '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/waiting for approval/);
    const exists = await api(a)<{ existing: Record<string, string> }>(
      'POST',
      '/photos/exists',
      new TextEncoder().encode(JSON.stringify({ sha256: [sha256(path.join(dirC, 'gopro.jpg'))] })),
      { 'content-type': 'application/json' },
    );
    expect(exists.existing).toEqual({});
  });

  it('witnesses the audit log on every round, and stops with an alarm when the log goes backwards', async () => {
    const file = path.join(b.home, 'audit-witness.json');
    // Earlier rounds of this file made the log grow; its checkpoint is signed within a second of each entry.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await syncOnce(b, dirB);
    const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { latest: { size: number } };
    expect(held.latest.size).toBeGreaterThan(0);
    await syncOnce(b, dirB);
    const after = JSON.parse(fs.readFileSync(file, 'utf8')) as { latest: { size: number } };
    expect(after.latest.size).toBeGreaterThanOrEqual(held.latest.size);
    // Pretend this device once verified a longer log: the server's log now looks rolled back.
    const forged = JSON.parse(fs.readFileSync(file, 'utf8')) as { latest: { size: number } };
    forged.latest.size += 1000;
    fs.writeFileSync(file, JSON.stringify(forged));
    const run = await b.run(['sync', dirB, '--once']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /AUDIT ALARM: the server's log was rolled back from size \d+ to \d+ \(restored from a backup\?\)/,
    );
  });
});
