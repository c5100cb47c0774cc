import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctCopy } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import {
  startCountingProxy,
  type CountingProxy,
  type SyncProxyEvent,
} from '../../server/test/support/counting-proxy.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { ApiClient } from '../src/api-client.ts';
import { pullRemote } from '../src/sync/remote.ts';
import { emptyReport, type SyncSession } from '../src/sync/session.ts';
import { SyncState } from '../src/sync/state-db.ts';
import { cleanUp, tempDir } from './support/cli.ts';
import { sha256 } from './support/photos.ts';
import { api, listFiles, trustedPair } from './sync-helpers.ts';

type PageEvent = Extract<SyncProxyEvent, { kind: 'page' }>;
const pagesOf = (events: readonly SyncProxyEvent[]) =>
  events.filter((e): e is PageEvent => e.kind === 'page');

const COUNT = 20;
const PAGE = 4;

describe('shoebox sync: feed pages that overlap', { timeout: 240_000 }, () => {
  let server: TestServer;
  let proxy: CountingProxy;
  let token: string;
  /** Photo id → SHA-256 of everything uploaded. */
  const library = new Map<string, string>();
  /** Two folders of B's (same device, as if synced by two agents): one is cut off mid-catch-up, one is not. */
  const folders = ['cut', 'whole'].map((name) => ({
    dir: tempDir(`pages-${name}`),
    stateDb: path.join(tempDir(`pages-${name}-home`), 'state.db'),
  }));
  let current: { state: SyncState; dir: string } | undefined;
  const violations: string[] = [];

  const session = (folder: { dir: string; stateDb: string }): SyncSession => {
    current = { state: new SyncState(folder.stateDb), dir: folder.dir };
    return {
      root: folder.dir,
      client: new ApiClient(proxy.url, token),
      state: current.state,
      report: emptyReport(),
      note: () => {},
    };
  };

  /** The SHA-256 of every whole file in the folder. */
  const onDisk = (dir: string) => new Set(listFiles(dir).map((f) => sha256(path.join(dir, f))));

  /**
   * The saved cursor is never ahead of the folder: every photo on the pages up to it is there, whole. Checked on
   * every request the agent makes, so at many moments of the catch-up.
   */
  function checkCursor(): void {
    if (!current || !proxy) return;
    let cursor: string | undefined;
    try {
      cursor = current.state.cursor;
    } catch {
      return; // between two sessions: its state database is closed
    }
    if (!cursor) return;
    const pages = pagesOf(proxy.state.events);
    const upTo = pages.findIndex((p) => p.cursor === cursor);
    const disk = onDisk(current.dir);
    for (const page of pages.slice(0, upTo + 1))
      for (const id of page.ids) {
        const sha = library.get(id);
        if (sha && !disk.has(sha)) violations.push(`cursor ${cursor} saved before photo ${id} was on disk`);
      }
  }

  function expectComplete(dir: string): void {
    const files = listFiles(dir);
    expect(files.filter((f) => / \(\d+\)\./.test(f))).toEqual([]);
    expect(files.map((f) => sha256(path.join(dir, f))).sort()).toEqual([...library.values()].sort());
    const temp = path.join(dir, '.shoebox-tmp');
    if (fs.existsSync(temp)) expect(fs.readdirSync(temp)).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite', { config: { mediaWorkers: 1 } });
    proxy = await startCountingProxy(server.url, checkCursor);
    const { a, b } = await trustedPair(server.url, 'page@example.com');
    ({ token } = JSON.parse(fs.readFileSync(path.join(b.home, 'device.json'), 'utf8')) as { token: string });
    // B is set up with the empty library first, so the photos reach it through the change feed, page by page.
    for (const folder of folders) {
      const first = session(folder);
      await pullRemote(first, PAGE);
      first.state.close();
    }
    for (let i = 0; i < COUNT; i++) {
      const bytes = distinctCopy(corpusFile('phones/hmd-nokia-8.3-5g.jpg'), `page-${i}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const { photo } = await api(a)<{ photo: { id: string } }>('POST', '/photos', new Uint8Array(bytes), {
        'x-shoebox-sha256': sha,
        'x-shoebox-file-name': `page-${String(i).padStart(2, '0')}.jpg`,
      });
      library.set(photo.id, sha);
    }
  }, 120_000);
  afterAll(async () => {
    try {
      current?.state.close();
    } catch {
      // closed by the test already
    }
    await proxy.close();
    await server.close();
    cleanUp();
  });

  it('starts the next page’s downloads before the page before is acknowledged, cursor never ahead', async () => {
    const [, folder] = folders as [unknown, { dir: string; stateDb: string }];
    proxy.state.events = [];
    const s = session(folder);
    await pullRemote(s, PAGE);
    s.state.close();
    expect(s.report.downloaded).toBe(COUNT);
    expectComplete(folder.dir);
    expect(violations).toEqual([]);
    const { events } = proxy.state;
    const pages = pagesOf(events).filter((e) => e.ids.length > 0);
    expect(pages.length).toBeGreaterThanOrEqual(COUNT / PAGE);
    // Some page's photos were asked for before the page before it was acknowledged (all pages were).
    const overlapped = pages.slice(0, -1).some((page, i) => {
      const next = new Set(pages[i + 1]?.ids);
      const ackAt = events.findIndex((e) => e.kind === 'ack' && e.cursor === page.cursor);
      const askedAt = events.findIndex((e) => e.kind === 'originals' && e.ids.some((id) => next.has(id)));
      expect(ackAt).toBeGreaterThan(-1);
      return askedAt !== -1 && askedAt < ackAt;
    });
    expect(overlapped).toBe(true);
  });

  it('is cut off mid-catch-up, then converges: every photo once, none fetched twice, cursor never ahead', async () => {
    const [folder] = folders as [{ dir: string; stateDb: string }];
    proxy.state.events = [];
    proxy.state.originals = 0;
    proxy.state.cutAt = 3;
    const cut = session(folder);
    await expect(pullRemote(cut, PAGE)).rejects.toThrow();
    const before = cut.report.downloaded;
    expect(before).toBeLessThan(COUNT);
    checkCursor();
    cut.state.close();

    const again = session(folder);
    await pullRemote(again, PAGE);
    // Each photo counted once over both runs: what was in place before the cut was not fetched again.
    expect(before + again.report.downloaded).toBe(COUNT);
    again.state.close();
    expectComplete(folder.dir);
    expect(violations).toEqual([]);

    const idle = session(folder);
    await pullRemote(idle, PAGE);
    idle.state.close();
    expect(idle.report.downloaded).toBe(0);
  });
});
