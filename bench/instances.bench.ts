// npm run bench:instances -- [--accounts N] [--devices N] [--seconds N] [--instances N] [--kill] [--anchor]
//                             [--quick] [--upload-gap-ms N] [--media-workers N] [--postgres URL] [--json]
// The load test: several `shoebox serve` processes on one PostgreSQL database and one S3 bucket (s3rver)
// behind a loopback round-robin proxy, driven by a real load generator — accounts × devices, each device enrolled
// through the real flow, uploading and syncing (change feed after live hints, acknowledgements, every other
// device's originals downloaded and SHA-256-checked). `--kill` SIGKILLs one instance halfway; devices retry and
// reconnect to the other. At the end every acknowledged upload must be on the server and every device must hold
// the account's whole library. `--anchor` first runs the same load against one instance, for comparison.
import { readFlags } from './lib/args.ts';
import { corpusPhotos } from './lib/files.ts';
import { startCluster } from './lib/instances-cluster.ts';
import { runLoad, type LoadResult } from './lib/instances-load.ts';
import { printInstancesReport } from './lib/instances-report.ts';
import { machine, writeResult } from './lib/report.ts';

const flags = readFlags('npm run bench:instances -- [flags]', {
  instances: { type: 'string', help: 'instances behind the proxy (default 2)' },
  accounts: { type: 'string', help: 'accounts (default 50; --quick 10)' },
  devices: { type: 'string', help: 'devices per account, all uploading and syncing (default 4)' },
  seconds: { type: 'string', help: 'length of the load (default 240; --quick 30)' },
  quick: { type: 'boolean', help: 'small and short: 10 accounts x 4 devices, 30 s' },
  kill: { type: 'boolean', help: 'SIGKILL one instance halfway through the multi-instance run' },
  anchor: { type: 'boolean', help: 'also run the same load against one instance first (doubles the time)' },
  'upload-gap-ms': { type: 'string', help: "pause between one device's uploads (default 0: flat out)" },
  'media-workers': {
    type: 'string',
    help: 'thumbnail workers in the whole deployment, split over its instances (default 2)',
  },
  postgres: { type: 'string', help: 'PostgreSQL server to make scratch databases on (default the test one)' },
  json: { type: 'boolean', help: 'print the JSON result instead of tables' },
});
const quick = flags.bool('quick');
const instances = flags.int('instances', 2);
const accounts = flags.int('accounts', quick ? 10 : 50);
const devicesPerAccount = Math.max(1, flags.int('devices', 4));
const seconds = flags.int('seconds', quick ? 30 : 240);
const uploadGapMs = flags.int('upload-gap-ms', 0);
const mediaWorkers = flags.int('media-workers', 2);
const postgresUrl =
  flags.str('postgres') ?? process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface Run extends LoadResult {
  instances: number;
  killed: boolean;
  mediaWorkersPerInstance: number;
  /** Thumbnail jobs still queued or running when the load stopped. */
  thumbnailBacklog: number;
  requestsPerSecond: number;
  uploadMBps: number;
  downloadMBps: number;
  peakRssMB: number[];
  cpuSeconds: number[];
  servedBy: number[];
}

async function measure(n: number): Promise<Run> {
  log(`${n} instance(s): starting`);
  // The same thumbnail capacity in both runs, so that the comparison is of instances, not of workers.
  const perInstance = Math.max(1, Math.round(mediaWorkers / n));
  const cluster = await startCluster({ instances: n, postgresUrl, mediaWorkers: perInstance, log });
  try {
    const photos = await corpusPhotos();
    log(`${n} instance(s): ${accounts} accounts x ${devicesPerAccount} devices for ${seconds} s`);
    const kill = flags.bool('kill') && n > 1 ? () => cluster.kill(n - 1) : undefined;
    const result = await runLoad(cluster.proxy, {
      accounts,
      devicesPerAccount,
      seconds,
      photos,
      uploadGapMs,
      log,
      ...(kill ? { kill } : {}),
    });
    const metrics = await (await fetch(`${cluster.proxy.url}/metrics`)).text();
    const backlog = Number(/^shoebox_ingest_queue_depth (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
    return {
      ...result,
      instances: n,
      killed: kill !== undefined,
      mediaWorkersPerInstance: perInstance,
      thumbnailBacklog: backlog,
      requestsPerSecond: result.requests / result.seconds,
      uploadMBps: result.uploadMB / result.seconds,
      downloadMBps: result.downloadMB / result.seconds,
      peakRssMB: cluster.servers.map((s) => Math.round(s.peakRss() / 1e6)),
      cpuSeconds: cluster.servers.map((s) => Math.round(s.cpuSeconds() * 10) / 10),
      servedBy: [...cluster.proxy.counts],
    };
  } finally {
    await cluster.stop();
  }
}

const before = machine();
const runs: Run[] = [];
const counts = instances === 1 ? [1] : flags.bool('anchor') ? [1, instances] : [instances];
for (const n of counts) runs.push(await measure(n));
const shape = { accounts, devicesPerAccount, seconds, uploadGapMs, mediaWorkers };
const result = { machine: before, loadAfter: machine().loadAverage, ...shape, runs };
const file = writeResult('instances', result);

if (flags.bool('json')) console.log(JSON.stringify(result, null, 2));
else printInstancesReport(runs, shape, before.loadAverage, result.loadAfter);
for (const r of runs) for (const e of r.firstErrors) log(`error (${r.instances}): ${e}`);
log(`written to ${file}`);
const clean = (r: Run) => r.errors === 0 && r.lost === 0 && r.notConverged === 0 && r.corrupt === 0;
process.exitCode = runs.every(clean) ? 0 : 1;
