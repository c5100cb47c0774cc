import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { SyncState, stateFile } from '../src/sync/state-db.ts';
import { cleanUp, type Device, tempDir } from './support/cli.ts';
import { api, listFiles, syncOnce, trustedPair } from './sync-helpers.ts';

// The snapshot is streamed and applied as it arrives; what it does not name must still be found afterwards.
describe('shoebox sync: the snapshot after a cursor reset', { timeout: 180_000 }, () => {
  let server: TestServer;
  let a: Device;
  let b: Device;
  let dirB: string;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ a, b } = await trustedPair(server.url, 'sam@example.com'));
    dirB = tempDir('folder-b');
    const tiny = fs.readFileSync(corpusFile('cameras/nikon-e775-8x8.jpg'));
    for (let i = 0; i < 3; i++) {
      // Distinct bytes after the end-of-image marker: three photos with one picture.
      const bytes = Buffer.concat([tiny, randomBytes(16)]);
      const upload = await api(a)<{ photo: { id: string } }>('POST', '/photos', bytes, {
        'x-shoebox-file-name': `p${i}.jpg`,
      });
      ids.push(upload.photo.id);
    }
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('downloads the whole library from the snapshot', async () => {
    expect(await syncOnce(b, dirB)).toMatchObject({ downloaded: 3, errors: [] });
    expect(listFiles(dirB)).toHaveLength(3);
  });

  it('re-reads the snapshot when the cursor is refused, and trashes locally what it no longer names', async () => {
    const state = new SyncState(stateFile(b.home, dirB));
    // A cursor of another server: the next pull is answered with a reset.
    state.cursor = Buffer.from('v1:another-server:1').toString('base64url');
    state.close();
    const gone = ids[1] ?? '';
    const response = await fetch(`${server.url}/api/photos/${gone}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token(a)}` },
    });
    expect(response.status).toBe(204);
    const run = await b.run(['sync', dirB, '--once', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/full resync/);
    expect(JSON.parse(run.stdout)).toMatchObject({ downloaded: 0, trashedLocal: 1, errors: [] });
    expect(listFiles(dirB)).toHaveLength(2);
    expect(listFiles(path.join(dirB, '.shoebox-trash'))).toHaveLength(1);
    // And the snapshot's cursor was kept: the next run is quiet.
    expect(await syncOnce(b, dirB)).toMatchObject({
      downloaded: 0,
      trashedLocal: 0,
      uploaded: 0,
      errors: [],
    });
  });
});

function token(device: Device): string {
  return (JSON.parse(fs.readFileSync(path.join(device.home, 'device.json'), 'utf8')) as { token: string })
    .token;
}
