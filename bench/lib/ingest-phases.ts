import fsp from 'node:fs/promises';
import path from 'node:path';
import { signUp, type BenchClient } from './api.ts';
import { throughput, type Throughput } from './ceiling.ts';
import type { BenchFile } from './files.ts';
import { mapLimit, secondsSince, sleep } from './pool.ts';
import { startServer } from './server.ts';

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

export interface ServerRun extends Throughput {
  peakRssBytes: number;
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
  mallocArenas?: number;
  /** `--max-semi-space-size` for the server (MB, through NODE_OPTIONS); 0 leaves V8's default. */
  semiSpaceMb?: number;
  /** MALLOC_MMAP_THRESHOLD_ for the server (bytes); 0 leaves glibc's dynamic threshold. */
  mmapThreshold?: number;
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
    };
  } finally {
    await server.stop();
    await fsp.rm(options.dataDir, { recursive: true, force: true });
  }
}

/** The server's environment as the README recommends it for glibc Linux, unless the bench was told otherwise. */
function serverEnv(options: PhaseOptions): Record<string, string> {
  const arenas = options.mallocArenas ?? DEFAULT_MALLOC_ARENAS;
  const semiSpaceMb = options.semiSpaceMb ?? DEFAULT_SEMI_SPACE_MB;
  const mmapThreshold = options.mmapThreshold ?? DEFAULT_MMAP_THRESHOLD;
  const env: Record<string, string> = {};
  if (arenas > 0) env['MALLOC_ARENA_MAX'] = String(arenas);
  if (mmapThreshold > 0) env['MALLOC_MMAP_THRESHOLD_'] = String(mmapThreshold);
  const nodeOptions = process.env['NODE_OPTIONS'] ?? '';
  if (semiSpaceMb > 0) env['NODE_OPTIONS'] = `${nodeOptions} --max-semi-space-size=${semiSpaceMb}`.trim();
  return env;
}

async function uploadAll(client: BenchClient, { files, concurrency }: PhaseOptions): Promise<void> {
  await mapLimit(files, concurrency, (file) => client.upload(file));
}

async function mediaStates(client: BenchClient): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  await client.listAll(1000, (items) => {
    for (const photo of items) states[photo.media.state] = (states[photo.media.state] ?? 0) + 1;
  });
  return states;
}
