import path from 'node:path';
import { percentile, sleep } from './pool.ts';
import { startServer } from './server.ts';
import { allArrived, arrival, writeDistinct, writeMany } from './sync-files.ts';
import { Agent, cliHome, devicePair, mediaIdle } from './sync-shoebox.ts';
import { settled, waitFor, type SyncthingNode } from './sync-syncthing.ts';

export interface Latency {
  trials: number[];
  p50: number;
  p95: number;
  max: number;
}

export const latencyOf = (ms: number[]): Latency => ({
  trials: ms,
  p50: percentile(ms, 50),
  p95: percentile(ms, 95),
  max: Math.max(...ms),
});

export interface CatchUp {
  files: number;
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  itemsPerSecond: number;
}

const catchUpOf = (files: { size: number }[], seconds: number): CatchUp => {
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  return {
    files: files.length,
    bytes,
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    itemsPerSecond: files.length / seconds,
  };
};

export interface SetSpec {
  count: number;
  bases: Buffer[];
  /** Largest random comment segment (see distinctJpeg); ≥ 64 KB shifts every Syncthing block. */
  maxExtra: number;
  label: string;
}

/** Syncthing: write into A's folder, time until B's folder holds the same SHA-256; between trials all idle. */
export async function syncthingLatency(
  a: SyncthingNode,
  b: SyncthingNode,
  mode: 'default' | 'watcher-1s' | 'rest-rescan',
  trials: number,
  bases: Buffer[],
): Promise<Latency> {
  const delay = mode === 'default' ? 10 : 1;
  await Promise.all([a.setWatcherDelay(delay), b.setWatcherDelay(delay)]);
  await settled([a, b]);
  const ms: number[] = [];
  for (let i = 0; i < trials; i++) {
    const t0 = performance.now();
    const file = await writeDistinct([a.folder], bases, i, `st-${mode}`, 60_000);
    if (mode === 'rest-rescan') await a.rescan(file.name);
    ms.push(await arrival(b.folder, file, t0, 120_000));
    await settled([a, b]);
    await sleep(500);
  }
  return latencyOf(ms);
}

/** Syncthing: B stopped while the set lands in A (and A has scanned it); start B; time until B has all. */
export async function syncthingCatchUp(a: SyncthingNode, b: SyncthingNode, set: SetSpec): Promise<CatchUp> {
  await b.stop();
  const had = (await a.folderStatus()).localFiles;
  const files = await writeMany([a.folder], set.bases, set.count, `st-${set.label}`, set.maxExtra);
  await a.rescan();
  await waitFor(
    async () => {
      const status = await a.folderStatus();
      return status.state === 'idle' && status.localFiles >= had + set.count;
    },
    3_600_000,
    'A to scan the new files',
  );
  const t0 = performance.now();
  await b.start();
  const seconds = await allArrived(b.folder, files, t0, 3_600_000);
  await settled([a, b]);
  return catchUpOf(files, seconds);
}

/** A Shoebox server with two `shoebox sync` agents on default settings, A and B, each on its own folder. */
export async function shoeboxPair(work: string) {
  const server = await startServer({ dataDir: path.join(work, 'server') });
  const email = 'sync-bench@example.com';
  const [devA, devB] = await devicePair(server.url, email);
  const agentA = new Agent(
    server.url,
    cliHome(path.join(work, 'home-a'), server.url, devA, email),
    path.join(work, 'sb-a'),
  );
  const agentB = new Agent(
    server.url,
    cliHome(path.join(work, 'home-b'), server.url, devB, email),
    path.join(work, 'sb-b'),
  );
  agentA.start();
  agentB.start();
  await Promise.all([agentA.waitFor('up to date', 120_000), agentB.waitFor('up to date', 120_000)]);
  return { server, agentA, agentB, clientA: devA.client };
}

export type ShoeboxPair = Awaited<ReturnType<typeof shoeboxPair>>;

/** Shoebox: write into A's folder, time until B's folder holds the same SHA-256. */
export async function shoeboxLatency(p: ShoeboxPair, trials: number, bases: Buffer[]) {
  await sleep(2000);
  const ms: number[] = [];
  /** Write → A's agent says "uploaded" (settle, hash, upload), then → B's agent says "downloaded". */
  const halves: { uploadedMs: number; downloadedMs: number }[] = [];
  /** Where each propagation's time went, in ms since the write (from the agents' trace lines). */
  const stages: Record<'uploadStart' | 'uploaded' | 'hint' | 'page' | 'downloaded', number>[] = [];
  for (let i = 0; i < trials; i++) {
    const t0 = performance.now();
    const file = await writeDistinct([p.agentA.dir], bases, i, 'sb-latency', 60_000);
    ms.push(await arrival(p.agentB.dir, file, t0, 120_000));
    await sleep(1000);
    const up = p.agentA.markOf('uploaded', file.name);
    const down = p.agentB.markOf('downloaded', file.name);
    if (up && down) halves.push({ uploadedMs: up - t0, downloadedMs: down - t0 });
    const start = p.agentA.markOf('trace', file.name);
    const hint = p.agentB.firstAfter(' hint', t0);
    const page = p.agentB.firstAfter(' page ', t0);
    if (up && down && start && hint && page)
      stages.push({
        uploadStart: start - t0,
        uploaded: up - t0,
        hint: hint - t0,
        page: page - t0,
        downloaded: down - t0,
      });
  }
  const stageP50 = (k: keyof (typeof stages)[number]) =>
    percentile(
      stages.map((x) => x[k]),
      50,
    );
  return {
    ...latencyOf(ms),
    uploadedP50: percentile(
      halves.map((h) => h.uploadedMs),
      50,
    ),
    downloadedP50: percentile(
      halves.map((h) => h.downloadedMs),
      50,
    ),
    /** p50 of each stage, ms after the write: A starts uploading, A has uploaded, B got the hint, B got the page. */
    stagesP50: {
      uploadStart: stageP50('uploadStart'),
      uploaded: stageP50('uploaded'),
      hint: stageP50('hint'),
      page: stageP50('page'),
      downloaded: stageP50('downloaded'),
    },
  };
}

/**
 * Shoebox: B's agent stopped while the set lands in A's folder, A's agent uploads it and the server makes its
 * thumbnails (as B would find it after a night away); start B's agent; time until B's folder has all.
 */
export async function shoeboxCatchUp(
  p: ShoeboxPair,
  set: SetSpec,
  log: (l: string) => void,
): Promise<CatchUp> {
  await p.agentB.stop();
  const uploadsBefore = p.agentA.uploads;
  const files = await writeMany([p.agentA.dir], set.bases, set.count, `sb-${set.label}`, set.maxExtra);
  const uploaded = () => Promise.resolve(p.agentA.uploads - uploadsBefore >= set.count);
  await waitFor(uploaded, 3_600_000, 'A to upload the set');
  log(`  shoebox: A uploaded ${set.count}; waiting for thumbnails`);
  await mediaIdle(p.clientA, 3_600_000);
  const t0 = performance.now();
  p.agentB.start();
  const seconds = await allArrived(p.agentB.dir, files, t0, 3_600_000);
  return catchUpOf(files, seconds);
}
