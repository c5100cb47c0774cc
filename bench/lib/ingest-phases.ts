import fsp from 'node:fs/promises';
import path from 'node:path';
import type { TimelinePage } from '@shoebox/shared';
import { signUp, type BenchClient } from './api.ts';
import { throughput, type Throughput } from './ceiling.ts';
import type { BenchFile } from './files.ts';
import { mapLimit, secondsSince, sleep } from './pool.ts';
import { startServer } from './server.ts';
import { RUNTIME_SWITCH, runtimeDefaults } from '../../packages/cli/bin/serve-launcher.js';

/**
 * MALLOC_ARENA_MAX for the server, as the README recommends on glibc Linux: without it each libvips thread keeps
 * its own malloc arena, ~170 MB more at the end-to-end peak here.
 */
export const DEFAULT_MALLOC_ARENAS = 2;

/**
 * V8's `--max-semi-space-size` (MB) for the server, as the README recommends: V8's default young generation
 * (2 x 16 MB) kept ~70 MB more at the end-to-end peak here, at no measurable CPU cost. The server's own work is
 * mostly native (libvips, SQLite), so a small young generation costs little.
 */
export const DEFAULT_SEMI_SPACE_MB = 2;

/**
 * MALLOC_MMAP_THRESHOLD_ for the server, as the README recommends: a fixed threshold makes glibc serve every block
 * of 128 KiB or more (image buffers) with its own mapping, returned to the system when freed. glibc's default
 * raises the threshold after such a block is freed (up to 32 MB), after which image buffers come from the heap
 * and stay resident; ~50 MB more at the end-to-end peak here, at no measurable CPU cost.
 */
export const DEFAULT_MMAP_THRESHOLD = 128 * 1024;

/** libuv's thread pool as `shoebox serve` sizes it (bin/serve-launcher.js): fsyncs must not hold up decoders. */
export const DEFAULT_UV_THREADS = Number(runtimeDefaults()['UV_THREADPOOL_SIZE']);

export interface ServerRun extends Throughput {
  peakRssBytes: number;
  /** The launcher that re-executed `shoebox serve` (0: none), at the end: a bare Node process, mostly shared pages. */
  launcherRssBytes: number;
  /** Time until the last upload was answered. */
  uploadSeconds: number;
  /** Photos by media state at the end. */
  states: Record<string, number>;
}

export interface PhaseOptions {
  files: readonly BenchFile[];
  concurrency: number;
  dataDir: string;
  cpuProfDir?: string | undefined;
  /** MALLOC_ARENA_MAX for the server; 0 leaves glibc's default (8 per core). */
  mallocArenas?: number | undefined;
  /** `--max-semi-space-size` for the server (MB, through NODE_OPTIONS); 0 leaves V8's default. */
  semiSpaceMb?: number | undefined;
  /** MALLOC_MMAP_THRESHOLD_ for the server (bytes); 0 leaves glibc's dynamic threshold. */
  mmapThreshold?: number | undefined;
  /** UV_THREADPOOL_SIZE for the server; 0 leaves libuv's 4. */
  uvThreads?: number | undefined;
}

/** Upload alone: thumbnail work is deferred (`--media-workers 0`), so this is receive + hash + fsync + commit. */
export function uploadOnly(options: PhaseOptions): Promise<ServerRun> {
  return withServer(options, 0, async (client) => {
    const started = performance.now();
    await uploadAll(client, options);
    const seconds = secondsSince(started);
    return { seconds, uploadSeconds: seconds, states: await mediaStates(client) };
  });
}

/** Upload with workers on, then wait until no photo's media is pending: every thumbnail and preview exists. */
export function endToEnd(options: PhaseOptions): Promise<ServerRun> {
  return withServer(options, undefined, async (client) => {
    const started = performance.now();
    await uploadAll(client, options);
    const uploadSeconds = secondsSince(started);
    const deadline = Date.now() + 30 * 60_000;
    let states = await mediaStates(client);
    while ((states['pending'] ?? 0) > 0) {
      if (Date.now() > deadline)
        throw new Error(`media still pending after 30 min: ${JSON.stringify(states)}`);
      await sleep(100);
      states = await mediaStates(client);
    }
    return { seconds: secondsSince(started), uploadSeconds, states };
  });
}

async function withServer(
  options: PhaseOptions,
  mediaWorkers: number | undefined,
  run: (client: BenchClient) => Promise<Pick<ServerRun, 'seconds' | 'uploadSeconds' | 'states'>>,
): Promise<ServerRun> {
  await fsp.rm(options.dataDir, { recursive: true, force: true });
  await fsp.mkdir(options.dataDir, { recursive: true });
  const server = await startServer({
    dataDir: options.dataDir,
    env: serverEnv(options),
    ...(mediaWorkers === undefined ? {} : { mediaWorkers }),
    ...(options.cpuProfDir ? { cpuProfDir: path.resolve(options.cpuProfDir) } : {}),
  });
  try {
    const client = await signUp(server.url);
    const cpuBefore = server.cpuSeconds();
    const result = await run(client);
    const cpu = server.cpuSeconds() - cpuBefore;
    client.close();
    const failed = result.states['failed'] ?? 0;
    return {
      ...throughput(options.files, result.seconds, cpu, failed),
      ...result,
      peakRssBytes: server.peakRss(),
      launcherRssBytes: server.launcherRss(),
    };
  } finally {
    await server.stop();
    await fsp.rm(options.dataDir, { recursive: true, force: true });
  }
}

/**
 * The server's environment. With no setting given, none: `shoebox serve` applies its own defaults (as a user
 * gets them). With any given, serve's defaults are switched off and each setting is as given (0: glibc's, V8's
 * or libuv's default; unset: the README's value).
 */
function serverEnv(options: PhaseOptions): Record<string, string> {
  const given = [options.mallocArenas, options.semiSpaceMb, options.mmapThreshold, options.uvThreads];
  if (given.every((v) => v === undefined)) return {};
  const arenas = options.mallocArenas ?? DEFAULT_MALLOC_ARENAS;
  const semiSpaceMb = options.semiSpaceMb ?? DEFAULT_SEMI_SPACE_MB;
  const mmapThreshold = options.mmapThreshold ?? DEFAULT_MMAP_THRESHOLD;
  const uvThreads = options.uvThreads ?? DEFAULT_UV_THREADS;
  const env: Record<string, string> = { [RUNTIME_SWITCH]: 'off' };
  if (arenas > 0) env['MALLOC_ARENA_MAX'] = String(arenas);
  if (mmapThreshold > 0) env['MALLOC_MMAP_THRESHOLD_'] = String(mmapThreshold);
  if (uvThreads > 0) env['UV_THREADPOOL_SIZE'] = String(uvThreads);
  const nodeOptions = process.env['NODE_OPTIONS'] ?? '';
  if (semiSpaceMb > 0) env['NODE_OPTIONS'] = `${nodeOptions} --max-semi-space-size=${semiSpaceMb}`.trim();
  return env;
}

async function uploadAll(client: BenchClient, { files, concurrency }: PhaseOptions): Promise<void> {
  await mapLimit(files, concurrency, (file) => client.upload(file));
}

/**
 * Photos by media state, from the compact timeline: polled every 100 ms, the full records of `GET /api/photos`
 * (~10 ms of server CPU for 293 photos) cost the server several seconds of CPU over a run.
 */
async function mediaStates(client: BenchClient): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const query = `limit=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: TimelinePage = await client.json<TimelinePage>('GET', `/api/timeline?${query}`);
    for (const state of page.media) states[state] = (states[state] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor);
  return states;
}
