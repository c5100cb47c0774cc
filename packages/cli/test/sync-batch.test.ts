import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDelivery } from '@shoebox/shared';
import { distinctCopy } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { forward, listenOnLoopback } from '../../server/test/support/loopback-proxy.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { ApiClient } from '../src/api-client.ts';
import { pullRemote } from '../src/sync/remote.ts';
import { emptyReport, type SyncSession } from '../src/sync/session.ts';
import { SyncState } from '../src/sync/state-db.ts';
import { cleanUp, tempDir } from './support/cli.ts';
import { sha256 } from './support/photos.ts';
import { api, listFiles, trustedPair } from './sync-helpers.ts';

/** A proxy that counts requests by route and can cut the next `/sync/originals` answer after `cutAfter` bytes. */
async function startProxy(target: string) {
  const upstream = new URL(target);
  const state = { counts: new Map<string, number>(), cutAfter: 0 };
  const server = http.createServer((req, res) => {
    const route = `${req.method} ${(req.url ?? '').split('?')[0]?.replace(/\/photos\/[^/]+\//, '/photos/{id}/')}`;
    state.counts.set(route, (state.counts.get(route) ?? 0) + 1);
    const cut = route === 'POST /api/sync/originals' ? state.cutAfter : 0;
    if (cut) state.cutAfter = 0;
    forward(upstream, req, res, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      let sent = 0;
      reply.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        // The connection breaks in the middle of the batch, as when the agent or the link dies.
        if (cut && sent > cut) {
          res.socket?.destroy();
          reply.destroy();
        } else res.write(chunk);
      });
      reply.on('end', () => res.end());
    });
  });
  return { ...(await listenOnLoopback(server)), state };
}

const COUNT = 24;

describe('shoebox sync: catching up in batches', { timeout: 180_000 }, () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let token: string;
  let deviceB: string;
  const library = new Map<string, string>();
  const dir = tempDir('batch-b');

  function session(stateDb: string): SyncSession {
    return {
      root: dir,
      client: new ApiClient(proxy.url, token),
      state: new SyncState(stateDb),
      report: emptyReport(),
      note: () => {},
    };
  }

  /** B's folder holds every photo of the library exactly once, complete, and nothing half-written. */
  function expectComplete(): void {
    const files = listFiles(dir);
    expect(files.filter((f) => / \(\d+\)\./.test(f))).toEqual([]);
    expect(files.map((f) => sha256(path.join(dir, f))).sort()).toEqual([...library.values()].sort());
    const temp = path.join(dir, '.shoebox-tmp');
    if (fs.existsSync(temp)) expect(fs.readdirSync(temp)).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite', { config: { mediaWorkers: 1 } });
    proxy = await startProxy(server.url);
    const { a, b } = await trustedPair(server.url, 'kim@example.com');
    const device = JSON.parse(fs.readFileSync(path.join(b.home, 'device.json'), 'utf8')) as {
      token: string;
      deviceId: string;
    };
    ({ token, deviceId: deviceB } = device);
    for (let i = 0; i < COUNT; i++) {
      const bytes = distinctCopy(corpusFile('phones/xiaomi-mi9t.jpg'), `batch-${i}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const { photo } = await api(a)<{ photo: { id: string } }>('POST', '/photos', new Uint8Array(bytes), {
        'x-shoebox-sha256': sha,
        'x-shoebox-file-name': `batch-${String(i).padStart(2, '0')}.jpg`,
      });
      library.set(photo.id, sha);
    }
  }, 120_000);
  afterAll(async () => {
    await proxy.close();
    await server.close();
    cleanUp();
  });

  it('survives a connection cut in the middle of a batch, then fetches each photo once, in a few requests', async () => {
    const s = session(path.join(tempDir('batch-home'), 'state.db'));
    proxy.state.cutAfter = 400_000;
    await expect(pullRemote(s)).rejects.toThrow();
    // Whatever arrived whole before the cut is in place and recorded; the snapshot is not acknowledged.
    const before = listFiles(dir).length;
    expect(before).toBeLessThan(COUNT);
    expect(s.state.cursor).toBeUndefined();
    proxy.state.counts.clear();
    await pullRemote(s);
    expect(s.report.downloaded).toBe(COUNT);
    expectComplete();
    // Batched: no file alone, and a handful of requests for the whole catch-up.
    expect(proxy.state.counts.get('GET /api/photos/{id}/original') ?? 0).toBe(0);
    expect(proxy.state.counts.get('POST /api/sync/originals')).toBeLessThanOrEqual(8);
    s.state.close();
  });

  it('adopts files placed but not recorded before a crash, instead of fetching them again beside themselves', async () => {
    // The state database lost everything (a crash before its records were durable); the files are in place.
    const s = session(path.join(tempDir('batch-home-lost'), 'state.db'));
    await pullRemote(s);
    expect(s.report.downloaded).toBe(0);
    expectComplete();
    for (const [id, sha] of library) expect(s.state.byPhoto(id)?.sha256).toBe(sha);
    s.state.close();
  });

  it('records the delivery of every photo to the device', async () => {
    const client = new ApiClient(server.url, token);
    for (const id of library.keys()) {
      const { items } = await client.request<{ items: PhotoDelivery[] }>('GET', `/sync/deliveries/${id}`);
      expect(items.find((d) => d.deviceId === deviceB)).toMatchObject({ delivered: true, via: 'snapshot' });
    }
  });
});
