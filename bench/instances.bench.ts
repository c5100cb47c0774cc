// npm run bench:instances -- [--instances N] [--accounts N] [--seconds N] [--quick] [--media-workers N] [--kill]
//                             [--postgres URL] [--json]
// Several `shoebox serve` processes on one PostgreSQL database and one S3 bucket (s3rver), behind a loopback
// round-robin proxy, against one instance behind the same proxy: the same workload, the same machine.
import { readFlags } from './lib/args.ts';
import { corpusPhotos } from './lib/files.ts';
import { startCluster } from './lib/instances-cluster.ts';
import { runLoad, type LoadResult } from './lib/instances-load.ts';
import { fmt, machine, printTable, writeResult, type Row } from './lib/report.ts';

const flags = readFlags('npm run bench:instances -- [flags]', {
  instances: { type: 'string', help: 'instances in the cluster run (default 2)' },
  accounts: { type: 'string', help: 'accounts, each with one uploading device (default 8; --quick 4)' },
  seconds: { type: 'string', help: 'length of each run (default 60; --quick 15)' },
  quick: { type: 'boolean', help: 'small and short: 4 accounts, 15 s' },
  'media-workers': {
    type: 'string',
    help: 'thumbnail workers in the whole deployment, split over its instances (default 2)',
  },
  postgres: { type: 'string', help: 'PostgreSQL server to make scratch databases on (default the test one)' },
  kill: { type: 'boolean', help: 'SIGKILL one instance halfway through the multi-instance run' },
  json: { type: 'boolean', help: 'print the JSON result instead of tables' },
});
const quick = flags.bool('quick');
const instances = flags.int('instances', 2);
const accounts = flags.int('accounts', quick ? 4 : 8);
const seconds = flags.int('seconds', quick ? 15 : 60);
const mediaWorkers = flags.int('media-workers', 2);
const postgresUrl =
  flags.str('postgres') ?? process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Run extends LoadResult {
  instances: number;
  mediaWorkersPerInstance: number;
  /** Thumbnail jobs still queued or running when the load stopped. */
  thumbnailBacklog: number;
  requestsPerSecond: number;
  uploadMBps: number;
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
    log(`${n} instance(s): ${accounts} accounts for ${seconds} s`);
    const kill = flags.bool('kill') && n > 1 ? () => cluster.kill(n - 1) : undefined;
    const result = await runLoad(cluster.proxy, { accounts, seconds, photos, ...(kill ? { kill } : {}) });
    const metrics = await (await fetch(`${cluster.proxy.url}/metrics`)).text();
    const backlog = Number(/^shoebox_ingest_queue_depth (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
    return {
      ...result,
      instances: n,
      mediaWorkersPerInstance: perInstance,
      thumbnailBacklog: backlog,
      requestsPerSecond: result.requests / result.seconds,
      uploadMBps: result.uploadMB / result.seconds,
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
for (const n of instances === 1 ? [1] : [1, instances]) runs.push(await measure(n));
const result = { machine: before, loadAfter: machine().loadAverage, accounts, seconds, mediaWorkers, runs };
const file = writeResult('instances', result);

if (flags.bool('json')) console.log(JSON.stringify(result, null, 2));
else {
  const [one, many] = [runs[0], runs.at(-1)];
  const row = (figure: string, value: (r: Run) => string, target = '', met: boolean | null = null): Row => ({
    figure,
    value: many ? value(many) : '',
    anchor: one ? value(one) : '',
    ratio: '',
    target,
    met,
  });
  const rows: Row[] = [
    row('requests/s', (r) => fmt.n(r.requestsPerSecond)),
    row('upload MB/s', (r) => fmt.n(r.uploadMBps)),
    row('uploads', (r) => String(r.uploads)),
    row('upload p50 / p99', (r) => `${fmt.ms(r.uploadP50Ms)} / ${fmt.ms(r.uploadP99Ms)}`),
    row('list p50 / p99', (r) => `${fmt.ms(r.listP50Ms)} / ${fmt.ms(r.listP99Ms)}`),
    row('push same-instance p50', (r) => fmt.ms(r.pushSameP50Ms)),
    row('push cross-instance p50 / p99', (r) => `${fmt.ms(r.pushCrossP50Ms)} / ${fmt.ms(r.pushCrossP99Ms)}`),
    row(
      'probes same / cross / missed',
      (r) => `${r.pushProbes.same} / ${r.pushProbes.cross} / ${r.pushProbes.missed}`,
    ),
    row('feed hints per upload', (r) => fmt.n(r.hintsPerUpload, 2)),
    row('retried requests / socket reconnects', (r) => `${r.retried} / ${r.reconnects}`),
    row('live change after the kill p50', (r) => fmt.ms(r.pushAfterKillP50Ms)),
    row(
      'errors',
      (r) => String(r.errors),
      '0',
      runs.every((r) => r.errors === 0),
    ),
    row(
      'acknowledged but lost',
      (r) => String(r.lost),
      '0',
      runs.every((r) => r.lost === 0),
    ),
    row('peak RSS per instance', (r) => r.peakRssMB.map((m) => `${m} MB`).join(', ')),
    row('server CPU s per instance', (r) => r.cpuSeconds.join(', ')),
    row('thumbnail jobs left at the end', (r) => String(r.thumbnailBacklog)),
    row('media workers per instance', (r) => String(r.mediaWorkersPerInstance)),
    row('requests per instance', (r) => r.servedBy.join(', ')),
  ];
  printTable(
    `${instances} instances (ours) vs 1 instance (anchor), ${accounts} accounts, ${seconds} s`,
    rows,
  );
  log(`load average before ${before.loadAverage.join(' ')}, after ${result.loadAfter.join(' ')}`);
  for (const r of runs) for (const e of r.firstErrors) log(`error (${r.instances}): ${e}`);
  log(`written to ${file}`);
}
process.exitCode = runs.every((r) => r.errors === 0 && r.lost === 0) ? 0 : 1;
