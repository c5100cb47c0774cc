import fsp from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import type { PhotoPage, TimelinePage } from '@shoebox/shared';
import { openDatabase } from '../../packages/server/src/adapters/db/database.ts';
import { BenchClient } from './api.ts';
import { cpuSecondsSince, median, percentile, secondsSince } from './pool.ts';
import { seedLibrary } from './seed.ts';
import { startServer } from './server.ts';

/** `timeline`: the compact `GET /api/timeline`; `photos`: full records from `GET /api/photos`. */
export type Endpoint = 'timeline' | 'photos';

/** Page sizes measured per endpoint: a full listing as a client would page it, and the 200-item page target. */
export const PAGE_SIZES: Record<Endpoint, number[]> = { timeline: [5000, 200], photos: [1000, 200] };

export interface ListingFigures {
  endpoint: Endpoint;
  pageSize: number;
  /** Full listings, each from the first page to the last, in seconds. */
  passes: number[];
  medianSeconds: number;
  bestSeconds: number;
  pageP50Ms: number;
  pageP99Ms: number;
  pages: number;
  /** CPU time per full listing (median): the server's and this client's (fetch + JSON parsing). */
  serverCpuSeconds: number;
  clientCpuSeconds: number;
}

export interface LibraryRun {
  backend: 'sqlite' | 'postgres';
  photos: number;
  seedSeconds: number;
  /** The very first full listing after the server started (timeline, limit 5000), before any warm-up. */
  coldSeconds: number;
  /** Bytes of JSON one full listing moved, per endpoint at its larger page size. */
  bytesPerListing: Record<Endpoint, number>;
  listings: ListingFigures[];
  peakRssBytes: number;
}

export interface LibraryOptions {
  backend: 'sqlite' | 'postgres';
  photos: number;
  passes: number;
  dataDir: string;
  /** PostgreSQL: the server URL to create a throw-away database on. */
  postgresUrl?: string | undefined;
  cpuProfDir?: string | undefined;
  log: (line: string) => void;
}

/** Seeds a library straight into the database, then lists it through the real server by cursor. */
export async function runLibrary(options: LibraryOptions): Promise<LibraryRun> {
  const { backend, log } = options;
  await fsp.mkdir(options.dataDir, { recursive: true });
  const scratch = backend === 'postgres' ? await createScratchDatabase(options.postgresUrl) : undefined;
  const url = scratch?.url ?? `sqlite:${path.join(options.dataDir, 'shoebox.db')}`;
  try {
    log(`${backend}: seeding ${options.photos} photos`);
    const handle = await openDatabase({ url });
    const seeded = await seedLibrary(handle.db, options.photos, log)
      .then(async (library) => {
        // A live PostgreSQL has had autovacuum by now: its visibility map lets the timeline read the index alone.
        if (backend === 'postgres') await sql`vacuum analyze photos`.execute(handle.db);
        return library;
      })
      .finally(() => handle.close());
    log(`${backend}: seeded in ${seeded.seconds.toFixed(1)} s`);
    const server = await startServer({
      dataDir: options.dataDir,
      ...(scratch ? { database: scratch.url } : {}),
      ...(options.cpuProfDir ? { cpuProfDir: path.resolve(options.cpuProfDir, backend) } : {}),
    });
    const client = new BenchClient(server.url, seeded.token);
    try {
      const cold = await timedListing(client, 'timeline', PAGE_SIZES.timeline[0] as number);
      if (cold.count !== options.photos) throw new Error(`listed ${cold.count} of ${options.photos} photos`);
      const listings: ListingFigures[] = [];
      const cpu = {
        server: () => server.cpuSeconds(),
        client: () => cpuSecondsSince({ user: 0, system: 0 }),
      };
      const bytesPerListing = { timeline: 0, photos: 0 };
      for (const endpoint of ['timeline', 'photos'] as const) {
        for (const pageSize of PAGE_SIZES[endpoint]) {
          const figures = await listingFigures(client, endpoint, pageSize, options.passes, cpu);
          if (figures.count !== options.photos)
            throw new Error(`${endpoint} listed ${figures.count} of ${options.photos} photos`);
          bytesPerListing[endpoint] ||= figures.bytes;
          listings.push(figures.listing);
          log(
            `${backend}: ${endpoint} limit ${pageSize}: median ${figures.listing.medianSeconds.toFixed(2)} s`,
          );
        }
      }
      return {
        backend,
        photos: options.photos,
        seedSeconds: seeded.seconds,
        coldSeconds: cold.seconds,
        bytesPerListing,
        listings,
        peakRssBytes: server.peakRss(),
      };
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await scratch?.drop();
    await fsp.rm(options.dataDir, { recursive: true, force: true });
  }
}

async function timedListing(client: BenchClient, endpoint: Endpoint, pageSize: number) {
  const pageMs: number[] = [];
  const started = performance.now();
  const walk = endpoint === 'timeline' ? walkTimeline : walkPhotos;
  const { count, bytes } = await walk(client, pageSize, (ms) => pageMs.push(ms));
  return { seconds: secondsSince(started), count, bytes, pageMs };
}

/** One page as a client reads it: the round trip including JSON parsing, and the body's size. */
async function getPage<T>(client: BenchClient, route: string) {
  const started = performance.now();
  const response = await fetch(`${client.url}${route}`, {
    headers: { authorization: `Bearer ${client.token ?? ''}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${route}: ${response.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as T;
  return { body, bytes: Buffer.byteLength(text), ms: performance.now() - started };
}

type Walk = (
  client: BenchClient,
  pageSize: number,
  onPage: (ms: number) => void,
) => Promise<{ count: number; bytes: number }>;

/** Follows the cursors of `route` from the first page to the last. */
function walker<T extends { nextCursor: string | null }>(route: string, itemsOf: (page: T) => number): Walk {
  return async (client, pageSize, onPage) => {
    let cursor: string | null = null;
    let count = 0;
    let bytes = 0;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await getPage<T>(client, `${route}?limit=${pageSize}${after}`);
      onPage(page.ms);
      count += itemsOf(page.body);
      bytes += page.bytes;
      cursor = page.body.nextCursor;
    } while (cursor);
    return { count, bytes };
  };
}

const walkTimeline = walker<TimelinePage>('/api/timeline', (page) => page.ids.length);
const walkPhotos = walker<PhotoPage>('/api/photos', (page) => page.items.length);

type CpuClocks = Record<'server' | 'client', () => number>;

async function listingFigures(
  client: BenchClient,
  endpoint: Endpoint,
  pageSize: number,
  passes: number,
  cpu: CpuClocks,
): Promise<{ listing: ListingFigures; count: number; bytes: number }> {
  const seconds: number[] = [];
  const pageMs: number[] = [];
  const serverCpu: number[] = [];
  const clientCpu: number[] = [];
  let last = { count: 0, bytes: 0 };
  for (let i = 0; i < passes; i++) {
    const [server, own] = [cpu.server(), cpu.client()];
    const pass = await timedListing(client, endpoint, pageSize);
    serverCpu.push(cpu.server() - server);
    clientCpu.push(cpu.client() - own);
    seconds.push(pass.seconds);
    pageMs.push(...pass.pageMs);
    last = pass;
  }
  const listing: ListingFigures = {
    endpoint,
    pageSize,
    passes: seconds,
    medianSeconds: median(seconds),
    bestSeconds: Math.min(...seconds),
    pageP50Ms: percentile(pageMs, 50),
    pageP99Ms: percentile(pageMs, 99),
    pages: pageMs.length,
    serverCpuSeconds: median(serverCpu),
    clientCpuSeconds: median(clientCpu),
  };
  return { listing, count: last.count, bytes: last.bytes };
}

/** A fresh database `shoebox_bench_<time>` on the given PostgreSQL server, dropped again afterwards. */
async function createScratchDatabase(baseUrl: string | undefined) {
  if (!baseUrl) throw new Error('PostgreSQL needs --database postgres://…');
  const name = `shoebox_bench_${Date.now()}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
