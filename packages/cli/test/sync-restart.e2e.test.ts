import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctCopy } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../server/test/support/server-process.ts';
import { cleanUp, tempDir, type Device } from './support/cli.ts';
import { startGateProxy, type GateProxy } from './support/gate-proxy.ts';
import { sha256 } from './support/photos.ts';
import { api, listFiles, startAgent, syncOnce, trustedPair, until, type SyncJson } from './sync-helpers.ts';

// A real `shoebox serve` process on SQLite that is killed and started again on the same port and data folder,
// and an agent that is killed (no chance to tidy up) and started again, both in the middle of downloading. B
// reaches the server through a gate that lets one download request through and holds the rest, so "the middle"
// is certain rather than a race against a fast machine.
const SOURCES = [
  'phones/apple-iphone11-IMG_5813.JPG',
  'phones/google-pixel5-PXL_20210518_214224624.jpg',
  'phones/hmd-nokia-8.3-5g.jpg',
  'phones/oppo-R7plusf.jpg',
  'phones/samsung-SM-G965W.jpg',
  'phones/xiaomi-mi9t.jpg',
];
const BATCH = 30;

describe('shoebox sync: restarts in the middle of a sync', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let port: number;
  let dataDir: string;
  let a: Device;
  let b: Device;
  let gate: GateProxy;
  const dirB = tempDir('restart-b');
  /** SHA-256 of every photo in the library. */
  const library = new Set<string>();

  const serve = () => startServerProcess(['--data', dataDir, '--media-workers', '1'], {}, port);

  /** Uploads a batch from A through the API, each a distinct file with its own name. */
  async function uploadBatch(from: number): Promise<void> {
    for (let i = from; i < from + BATCH; i++) {
      const bytes = distinctCopy(corpusFile(SOURCES[i % SOURCES.length] as string), `restart-${i}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      await api(a)('POST', '/photos', new Uint8Array(bytes), {
        'x-shoebox-sha256': sha,
        'x-shoebox-file-name': `photo-${String(i).padStart(3, '0')}.jpg`,
      });
      library.add(sha);
    }
  }

  /** B's folder holds exactly the library: every photo once, none twice, nothing half-written left behind. */
  function expectComplete(): void {
    const files = listFiles(dirB);
    expect(files.filter((f) => / \(\d+\)\./.test(f))).toEqual([]);
    expect(files.map((f) => sha256(path.join(dirB, f))).sort()).toEqual([...library].sort());
    const temp = path.join(dirB, '.shoebox-tmp');
    if (fs.existsSync(temp)) expect(fs.readdirSync(temp)).toEqual([]);
  }

  beforeAll(async () => {
    dataDir = tempDir('server-data');
    port = await freePort();
    server = await serve();
    gate = await startGateProxy(server.url);
    ({ a, b } = await trustedPair(server.url, 'rio@example.com', gate.url));
  }, 120_000);
  afterAll(async () => {
    await gate.close();
    await server.kill('SIGKILL');
    cleanUp();
  });

  it('waits out a server crash mid-download, then finishes without fetching anything twice', async () => {
    // Three batches (about 180 MB): more than one download request (48 MB each), so the gate holds some.
    for (const from of [0, BATCH, 2 * BATCH]) await uploadBatch(from);
    gate.arm(1);
    const agent = startAgent(b, dirB, ['--interval', '600']);
    try {
      await until(
        () => (listFiles(dirB).length > 0 && gate.held > 0) || undefined,
        90_000,
        'the first downloads',
      );
      await server.kill('SIGKILL');
      const atCrash = listFiles(dirB).length;
      expect(atCrash).toBeLessThan(3 * BATCH);
      // The held requests now meet a dead server, as they would have without the gate.
      gate.open();
      // The socket dropped and a pass found the server gone: the agent says so and backs off.
      await agent.waitFor('Retrying in', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      server = await serve();
      await until(() => listFiles(dirB).length === 3 * BATCH || undefined, 90_000, 'all photos in B');
      await agent.waitFor('up to date', 20_000);
    } finally {
      const end = await agent.stop();
      expect(end.code, end.stderr).toBe(0);
      const report = JSON.parse(end.stdout) as SyncJson;
      // Counted when complete: exactly one finished download per photo, however often the server went away.
      expect(report).toMatchObject({ downloaded: 3 * BATCH, uploaded: 0, trashedRemote: 0 });
      expect(report.errors.length).toBeGreaterThan(0);
    }
    expectComplete();
  });

  it('resumes after being killed mid-download: no re-download of finished files, no duplicates', async () => {
    for (const from of [3 * BATCH, 4 * BATCH, 5 * BATCH]) await uploadBatch(from);
    const total = 6 * BATCH;
    gate.arm(1);
    const agent = startAgent(b, dirB, ['--interval', '600']);
    await until(
      () => (listFiles(dirB).length > 3 * BATCH && gate.held > 0) || undefined,
      90_000,
      'downloads of the new batches',
    );
    await agent.stop('SIGKILL');
    const done = listFiles(dirB);
    expect(done.length).toBeLessThan(total);
    gate.open();
    const inodes = new Map(done.map((f) => [f, fs.statSync(path.join(dirB, f)).ino]));

    const report = await syncOnce(b, dirB);
    expect(report).toMatchObject({ downloaded: total - done.length, uploaded: 0, errors: [] });
    // The files finished before the kill are the very same files (not fetched again and replaced).
    for (const [file, ino] of inodes) expect(fs.statSync(path.join(dirB, file)).ino, file).toBe(ino);
    expectComplete();
    expect(await syncOnce(b, dirB)).toMatchObject({ downloaded: 0, uploaded: 0, errors: [] });
  });

  it('notices the server going away while idle, backs off, and catches up when it is back', async () => {
    const agent = startAgent(b, dirB, ['--interval', '600']);
    try {
      await agent.waitFor('up to date', 90_000);
      // Let the pass that the socket's hello triggers finish too, so the agent is really idle.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // Nothing to do and a 10-minute rescan: only the lost socket can tell the agent the server is gone.
      await server.kill('SIGKILL');
      await agent.waitFor('Retrying in', 10_000);
      server = await serve();
      const sha = createHash('sha256');
      const bytes = distinctCopy(corpusFile('phones/apple-iphone4.jpg'), 'after-the-outage');
      await api(a)('POST', '/photos', new Uint8Array(bytes), {
        'x-shoebox-sha256': sha.update(bytes).digest('hex'),
        'x-shoebox-file-name': 'after-the-outage.jpg',
      });
      library.add(createHash('sha256').update(bytes).digest('hex'));
      await until(
        () => listFiles(dirB).some((f) => f.endsWith('after-the-outage.jpg')) || undefined,
        60_000,
        'the photo uploaded after the outage',
      );
    } finally {
      const end = await agent.stop();
      expect(end.code, end.stderr).toBe(0);
    }
    expectComplete();
  });
});
