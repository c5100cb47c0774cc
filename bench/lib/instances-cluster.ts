// A multi-instance deployment on one machine for the bench: a fresh PostgreSQL database, an S3 bucket (s3rver),
// a shared audit-log key, N `shoebox serve` processes and the round-robin proxy in front of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startTestS3, type TestS3 } from '../../packages/server/test/support/s3.ts';
import { startProxy, type Proxy } from './proxy.ts';
import { sleep } from './pool.ts';
import { startServer, type ServerProcess } from './server.ts';

export interface Cluster {
  proxy: Proxy;
  servers: ServerProcess[];
  /** SIGKILL, as a crash or a lost host: nothing is handed over. The proxy stops sending to it. */
  kill(index: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  instances: number;
  postgresUrl: string;
  mediaWorkers: number;
  log: (line: string) => void;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-instances-'));
  const name = `shoebox_bench_instances_${Date.now()}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: options.postgresUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(options.postgresUrl);
  url.pathname = `/${name}`;
  let s3: TestS3 | undefined;
  const servers: ServerProcess[] = [];
  let proxy: Proxy | undefined;
  const killed = new Set<number>();
  const stop = async () => {
    await proxy?.close();
    await Promise.all(servers.filter((_, i) => !killed.has(i)).map((s) => s.stop()));
    await s3?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    s3 = await startTestS3();
    const env = {
      SHOEBOX_BLOBS: s3.spec('bench'),
      // One key for all instances: whichever holds the signer's lease signs with it.
      SHOEBOX_LOG_KEY: path.join(work, 'keys', 'log.key'),
      SHOEBOX_TRUST_PROXY: '127.0.0.1',
    };
    // One after the other: the first creates the schema.
    for (let i = 0; i < options.instances; i++) {
      servers.push(
        await startServer({
          dataDir: path.join(work, `instance-${i}`),
          database: url.toString(),
          mediaWorkers: options.mediaWorkers,
          env,
        }),
      );
      options.log(`instance ${i} up at ${servers[i]?.url ?? '?'}`);
    }
    proxy = await startProxy(servers.map((s) => s.url));
    const kill = async (index: number) => {
      const server = servers[index];
      if (!server) return;
      killed.add(index);
      server.peakRss();
      server.cpuSeconds();
      process.kill(server.pid, 'SIGKILL');
      proxy?.remove(index);
      while (fs.existsSync(`/proc/${server.pid}/status`)) await sleep(20);
    };
    return { proxy, servers, kill, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
