import fsp from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../packages/server/src/adapters/db/database.ts';
import { BenchClient } from './api.ts';
import { cpuSecondsSince, median, percentile, secondsSince } from './pool.ts';
import { seedLibrary } from './seed.ts';
import { startServer } from './server.ts';

export interface ListingFigures {
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
  /** The very first full listing after the server started (limit 1000), before any warm-up. */
  coldSeconds: number;
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
    const seeded = await seedLibrary(handle.db, options.photos, log).finally(() => handle.close());
    log(`${backend}: seeded in ${seeded.seconds.toFixed(1)} s`);
    const server = await startServer({
      dataDir: options.dataDir,
      ...(scratch ? { database: scratch.url } : {}),
      ...(options.cpuProfDir ? { cpuProfDir: path.resolve(options.cpuProfDir, backend) } : {}),
    });
    const client = new BenchClient(server.url, seeded.token);
    try {
      const cold = await timedListing(client, 1000);
      if (cold.count !== options.photos) throw new Error(`listed ${cold.count} of ${options.photos} photos`);
      const listings = [];
      const cpu = {
        server: () => server.cpuSeconds(),
        client: () => cpuSecondsSince({ user: 0, system: 0 }),
      };
      for (const pageSize of [1000, 200])
        listings.push(await listingFigures(client, pageSize, options.passes, cpu));
      for (const l of listings)
        log(`${backend}: limit ${l.pageSize}: median ${l.medianSeconds.toFixed(2)} s`);
      return {
        backend,
        photos: options.photos,
        seedSeconds: seeded.seconds,
        coldSeconds: cold.seconds,
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

async function timedListing(client: BenchClient, pageSize: number) {
  const pageMs: number[] = [];
  const started = performance.now();
  const count = await client.listAll(pageSize, (_, ms) => pageMs.push(ms));
  return { seconds: secondsSince(started), count, pageMs };
}

type CpuClocks = Record<'server' | 'client', () => number>;

async function listingFigures(
  client: BenchClient,
  pageSize: number,
  passes: number,
  cpu: CpuClocks,
): Promise<ListingFigures> {
  const seconds: number[] = [];
  const pageMs: number[] = [];
  const serverCpu: number[] = [];
  const clientCpu: number[] = [];
  for (let i = 0; i < passes; i++) {
    const [server, own] = [cpu.server(), cpu.client()];
    const pass = await timedListing(client, pageSize);
    serverCpu.push(cpu.server() - server);
    clientCpu.push(cpu.client() - own);
    seconds.push(pass.seconds);
    pageMs.push(...pass.pageMs);
  }
  return {
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
