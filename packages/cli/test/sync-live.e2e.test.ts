import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanUp, tempDir, type Device } from './support/cli.ts';
import { copyPhoto, sha256 } from './support/photos.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { api, listFiles, startAgent, trustedPair, until, type SyncJson } from './sync-helpers.ts';
import { deviceDescription, signIn } from '../../server/test/support/api.ts';

// Long-running agents on two devices. The periodic rescan is set to 10 minutes, so anything that arrives
// within seconds was carried by the WebSocket hint (server → B) and the file watcher (A's folder → A).
describe('shoebox sync: live agents', { timeout: 180_000 }, () => {
  let server: TestServer;
  let a: Device;
  let b: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ a, b } = await trustedPair(server.url, 'ana@example.com'));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('carries a photo from A’s folder to B’s within seconds, and trash and restore right after', async () => {
    const dirA = tempDir('live-a');
    const dirB = tempDir('live-b');
    const agentA = startAgent(a, dirA, ['--interval', '600']);
    const agentB = startAgent(b, dirB, ['--interval', '600']);
    try {
      await Promise.all([agentA.waitFor('up to date', 90_000), agentB.waitFor('up to date', 90_000)]);
      // A new device asks to be let in: the trusted device's agent says so as the request arrives.
      const newcomer = await signIn(server.url, 'ana@example.com', deviceDescription('Newcomer'));
      await agentA.waitFor(`approval requested by device "Newcomer" (${newcomer.deviceId}`, 20_000);

      // Server → B: an upload from elsewhere reaches B's folder through the socket hint.
      const gopro = copyPhoto('cameras/gopro-hero6-8x8.jpg', path.join(tempDir('src'), 'gopro.jpg'));
      let started = Date.now();
      const uploaded = await api(a)<{ photo: { id: string } }>('POST', '/photos', fs.readFileSync(gopro), {
        'x-shoebox-sha256': sha256(gopro),
        'x-shoebox-file-name': 'gopro.jpg',
      });
      const arrived = await until(
        () => listFiles(dirB).find((f) => f.endsWith('gopro.jpg')),
        20_000,
        'the upload in B',
      );
      const serverToB = Date.now() - started;
      expect(sha256(path.join(dirB, arrived))).toBe(sha256(gopro));

      // A's folder → B's folder: watcher, proof that the JPEG is whole, upload, hint (with the photo), download.
      started = Date.now();
      copyPhoto('cameras/nikon-e775-8x8.jpg', path.join(dirA, 'nikon.jpg'));
      await until(() => listFiles(dirB).includes('2001/08/nikon.jpg'), 30_000, 'A’s file in B');
      const folderToFolder = Date.now() - started;
      console.log(`propagation: server→B ${serverToB} ms, A's folder→B's folder ${folderToFolder} ms`);
      expect(serverToB).toBeLessThan(5_000);
      expect(sha256(path.join(dirB, '2001/08/nikon.jpg'))).toBe(sha256(path.join(dirA, 'nikon.jpg')));

      // A file still being written (fresh mtime, growing, its first half not a whole JPEG) is not sent until it is.
      const whole = fs.readFileSync(corpusFile('cameras/olympus-c2000z-8x8.jpg'));
      const half = whole.subarray(0, whole.length >> 1);
      started = Date.now();
      fs.writeFileSync(path.join(dirA, 'olympus.jpg'), half);
      await new Promise((resolve) => setTimeout(resolve, 400));
      fs.appendFileSync(path.join(dirA, 'olympus.jpg'), whole.subarray(half.length));
      const slow = await until(
        () => listFiles(dirB).find((f) => f.endsWith('olympus.jpg')),
        30_000,
        'olympus',
      );
      console.log(
        `propagation of a file being written (incl. 400 ms of writing): ${Date.now() - started} ms`,
      );
      expect(sha256(path.join(dirB, slow))).toBe(createHash('sha256').update(whole).digest('hex'));
      const halfSha = createHash('sha256').update(half).digest('hex');
      const json = { 'content-type': 'application/json' };
      const body = new TextEncoder().encode(JSON.stringify({ sha256: [halfSha] }));
      expect(await api(a)('POST', '/photos/exists', body, json)).toEqual({ existing: {}, trashed: [] });

      // Trash on the server: B's copy goes to .shoebox-trash; restore brings it back.
      const trashed = path.join(dirB, '.shoebox-trash', arrived);
      await api(a)('POST', `/photos/${uploaded.photo.id}/trash`);
      await until(() => fs.existsSync(trashed) || undefined, 20_000, 'the copy in .shoebox-trash');
      await api(a)('POST', `/photos/${uploaded.photo.id}/restore`);
      await until(() => fs.existsSync(path.join(dirB, arrived)) || undefined, 20_000, 'the restored copy');
      expect(fs.existsSync(trashed)).toBe(false);
    } finally {
      const [endA, endB] = await Promise.all([agentA.stop(), agentB.stop()]);
      expect(endB.code, endB.stderr).toBe(0);
      const reportB = JSON.parse(endB.stdout) as SyncJson;
      expect(reportB).toMatchObject({ downloaded: 3, trashedLocal: 1, restored: 1, uploaded: 0 });
      expect((JSON.parse(endA.stdout) as SyncJson).uploaded).toBe(2);
    }
  }, 300_000);
});
