// npm run bench:library -- [--photos N] [--database postgres://…] [--passes P] [--no-sqlite] [--json] [--profile]
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFlags } from './lib/args.ts';
import { PAGE_SIZES, runLibrary, type LibraryRun, type ListingFigures } from './lib/library-run.ts';
import { RESULTS_DIR } from './lib/paths.ts';
import { fmt, machine, printTable, writeResult, type Row } from './lib/report.ts';

/** Immich 2.7.5 on this machine class: 1.1–1.2 s to list 10,200 assets. */
const IMMICH = { assets: 10_200, seconds: 1.15 };
const TARGETS = { fullListingSeconds: 2, pageMs: 20 };

const flags = readFlags('npm run bench:library -- [flags]', {
  photos: { type: 'string', help: 'photos in the library (default 100000)' },
  database: {
    type: 'string',
    help: 'also run on PostgreSQL: a server URL; a scratch database is made and dropped',
  },
  passes: { type: 'string', help: 'full listings per page size after the cold one (default 3)' },
  'no-sqlite': { type: 'boolean', help: 'skip SQLite' },
  json: { type: 'boolean', help: 'print the JSON result instead of tables' },
  profile: { type: 'boolean', help: 'write V8 CPU profiles of the server to bench/results/profiles/' },
});
const photos = Math.max(1, flags.int('photos', 100_000));
const passes = Math.max(1, flags.int('passes', 3));
const log = (line: string) => process.stderr.write(`${line}\n`);
const before = machine();
const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-library-'));
const profileDir = flags.bool('profile')
  ? path.join(RESULTS_DIR, 'profiles', `library-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  : undefined;

const backends: LibraryRun['backend'][] = [
  ...(flags.bool('no-sqlite') ? [] : ['sqlite' as const]),
  ...(flags.str('database') ? ['postgres' as const] : []),
];
const runs: LibraryRun[] = [];
try {
  for (const backend of backends) {
    runs.push(
      await runLibrary({
        backend,
        photos,
        passes,
        dataDir: path.join(work, backend),
        postgresUrl: flags.str('database'),
        cpuProfDir: profileDir,
        log,
      }),
    );
  }
} finally {
  await fsp.rm(work, { recursive: true, force: true });
}

const immichPerRecordUs = (IMMICH.seconds / IMMICH.assets) * 1e6;

const ROUTES = { timeline: 'GET /api/timeline', photos: 'GET /api/photos' } as const;

function listingRows(run: LibraryRun, l: ListingFigures): Row[] {
  const name = `${run.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${ROUTES[l.endpoint]}`;
  const perRecordUs = (l.medianSeconds / run.photos) * 1e6;
  const pageTarget = `< ${TARGETS.pageMs} ms${run.backend === 'sqlite' ? '' : ' (SQLite target)'}`;
  const pageRow = (p: 'p50' | 'p99', ms: number): Row => ({
    figure: `${name}: ${p} of a ${l.pageSize}-item page (${l.pages} pages)`,
    value: fmt.ms(ms),
    anchor: '',
    ratio: '',
    target: l.pageSize === 200 && p === 'p99' ? pageTarget : '',
    met: l.pageSize === 200 && p === 'p99' ? ms < TARGETS.pageMs : null,
  });
  return [
    {
      figure: `${name}: full listing of ${run.photos} by ${l.pageSize} (median of ${l.passes.length})`,
      value: `${fmt.s(l.medianSeconds)} (${perRecordUs.toFixed(1)} us/record)`,
      anchor: `Immich ${IMMICH.seconds} s / ${IMMICH.assets} (${immichPerRecordUs.toFixed(0)} us/record)`,
      ratio: `${fmt.x(perRecordUs / immichPerRecordUs)} per record`,
      target: `< ${TARGETS.fullListingSeconds} s for 100k`,
      met: (l.medianSeconds * 100_000) / run.photos < TARGETS.fullListingSeconds,
    },
    pageRow('p50', l.pageP50Ms),
    pageRow('p99', l.pageP99Ms),
    {
      figure: `${name}: CPU per full listing by ${l.pageSize} (server + client)`,
      value: `${fmt.s(l.serverCpuSeconds)} + ${fmt.s(l.clientCpuSeconds)}`,
      anchor: '',
      ratio: `${fmt.ms((l.serverCpuSeconds * 1000 * l.pageSize) / run.photos)} server CPU/page`,
      target: `< ${TARGETS.fullListingSeconds} s for 100k (load-independent)`,
      met: ((l.serverCpuSeconds + l.clientCpuSeconds) * 100_000) / run.photos < TARGETS.fullListingSeconds,
    },
  ];
}

const rows = runs.flatMap((run) => {
  const name = run.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const bytes = run.bytesPerListing;
  return [
    ...run.listings.flatMap((l) => listingRows(run, l)),
    {
      figure: `${name}: JSON per full listing, timeline / photos`,
      value: `${fmt.mb(bytes.timeline)} / ${fmt.mb(bytes.photos)}`,
      ...{ anchor: '', ratio: `${fmt.x(bytes.timeline / bytes.photos)}`, target: '', met: null },
    },
    {
      figure: `${name}: cold first listing (timeline by ${PAGE_SIZES.timeline[0]}); peak server RSS`,
      value: `${fmt.s(run.coldSeconds)}; ${fmt.mb(run.peakRssBytes)}`,
      ...{ anchor: '', ratio: '', target: '', met: null },
    },
  ];
});
const result = {
  benchmark: 'library',
  machine: before,
  loadAverageAfter: os.loadavg(),
  photos,
  passes,
  runs,
  rows,
};
const file = writeResult('library', result);
if (flags.bool('json')) console.log(JSON.stringify(result, null, 2));
else {
  printTable(
    `Library: ${photos} photos listed through the HTTP API by cursor (compact timeline and full records)`,
    rows,
  );
  console.log(`\nmachine: ${before.nproc} cores ${before.cpu}, ${before.memoryGiB} GiB, node ${before.node}`);
  console.log(
    `load average before/after: ${before.loadAverage.join(' ')} / ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
log(`result written to ${path.relative(process.cwd(), file)}`);
