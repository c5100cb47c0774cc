// npm run bench:ingest -- [--count N] [--concurrency C] [--json] [--no-corpus] [--profile]
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFlags } from './lib/args.ts';
import { measureCeiling, type Throughput } from './lib/ceiling.ts';
import { corpusPhotos, describe, totalBytes, warmPageCache, type BenchFile } from './lib/files.ts';
import { generatedPhotos } from './lib/generate.ts';
import { ingestRows } from './lib/ingest-rows.ts';
import {
  DEFAULT_MALLOC_ARENAS,
  DEFAULT_MMAP_THRESHOLD,
  DEFAULT_SEMI_SPACE_MB,
  DEFAULT_UV_THREADS,
  endToEnd,
  uploadOnly,
} from './lib/ingest-phases.ts';
import { RESULTS_DIR } from './lib/paths.ts';
import { fmt, machine, printTable, writeResult } from './lib/report.ts';

const flags = readFlags('npm run bench:ingest -- [flags]', {
  count: { type: 'string', help: 'generated 12 MP JPEGs to upload (default 200)' },
  concurrency: { type: 'string', help: 'uploads (and ceiling renders) in flight (default 4)' },
  json: { type: 'boolean', help: 'print the JSON result instead of tables' },
  'no-corpus': { type: 'boolean', help: 'upload only the generated photos, not the corpus as well' },
  profile: { type: 'boolean', help: 'write V8 CPU profiles of the server to bench/results/profiles/' },
  // Without any of these four the server gets `shoebox serve`'s own defaults; with one, the others are as below.
  'malloc-arenas': {
    type: 'string',
    help: `MALLOC_ARENA_MAX for the server (serve's default ${DEFAULT_MALLOC_ARENAS}; 0: glibc's)`,
  },
  'semi-space': {
    type: 'string',
    help: `V8 --max-semi-space-size (MB) for the server (serve's default ${DEFAULT_SEMI_SPACE_MB}; 0: V8's)`,
  },
  'mmap-threshold': {
    type: 'string',
    help: `MALLOC_MMAP_THRESHOLD_ for the server (serve's default ${DEFAULT_MMAP_THRESHOLD}; 0: glibc's)`,
  },
  'uv-threads': {
    type: 'string',
    help: `UV_THREADPOOL_SIZE for the server (serve's default ${DEFAULT_UV_THREADS}; 0: libuv's 4)`,
  },
});
const count = Math.max(1, flags.int('count', 200));
const concurrency = Math.max(1, flags.int('concurrency', 4));
// Unset: the server runs with what `shoebox serve` applies by default.
const optional = (name: string) => (flags.str(name) === undefined ? undefined : flags.int(name, 0));
const mallocArenas = optional('malloc-arenas');
const semiSpaceMb = optional('semi-space');
const mmapThreshold = optional('mmap-threshold');
const uvThreads = optional('uv-threads');
const log = (line: string) => process.stderr.write(`${line}\n`);
const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-bench-'));
const profileDir = flags.bool('profile')
  ? path.join(RESULTS_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
  : undefined;

const before = machine();
const generated = await describe(await generatedPhotos(count), 'generated');
const corpus = flags.bool('no-corpus') ? [] : await describe(await corpusPhotos(), 'corpus');
const files: BenchFile[] = [...generated, ...corpus];
await warmPageCache(files);
log(
  `${files.length} files (${generated.length} generated, ${corpus.length} corpus), ${fmt.mb(totalBytes(files))}`,
);

/** Each subset on its own, so the generated 12 MP files can be compared with the 11 photos/s anchor. */
async function ceiling(name: 'renderDerivatives' | 'plainSharp') {
  const scratch = path.join(work, `ceiling-${name}`);
  const gen = await measureCeiling(name, generated, concurrency, scratch);
  const cor = corpus.length > 0 ? await measureCeiling(name, corpus, concurrency, scratch) : undefined;
  const all = combine(gen, cor);
  log(
    `ceiling ${name}: ${fmt.n(all.photosPerSecond)} photos/s (generated only ${fmt.n(gen.photosPerSecond)})`,
  );
  return { generated: gen, corpus: cor ?? null, all };
}

function combine(a: Throughput, b: Throughput | undefined): Throughput {
  if (!b) return a;
  const seconds = a.seconds + b.seconds;
  const [n, bytes] = [a.files + b.files, a.bytes + b.bytes];
  const [failed, cpuSeconds] = [a.failed + b.failed, a.cpuSeconds + b.cpuSeconds];
  const rates = { photosPerSecond: n / seconds, mbPerSecond: bytes / 1e6 / seconds };
  return { files: n, bytes, seconds, ...rates, failed, cpuSeconds };
}

try {
  const ceilings = {
    renderDerivatives: await ceiling('renderDerivatives'),
    plainSharp: await ceiling('plainSharp'),
  };
  const phase = (name: string) => ({
    files,
    concurrency,
    dataDir: path.join(work, name),
    mallocArenas,
    semiSpaceMb,
    mmapThreshold,
    uvThreads,
    cpuProfDir: profileDir && path.join(profileDir, name),
  });
  const upload = await uploadOnly(phase('upload-only'));
  log(`upload only: ${fmt.n(upload.mbPerSecond)} MB/s`);
  const e2e = await endToEnd(phase('end-to-end'));
  log(`end to end: ${fmt.n(e2e.photosPerSecond)} photos/s, ${JSON.stringify(e2e.states)}`);
  const rows = ingestRows({ ceilings, upload, e2e, concurrency });
  const result = {
    benchmark: 'ingest',
    machine: before,
    loadAverageAfter: os.loadavg(),
    config: {
      count,
      concurrency,
      mallocArenas,
      semiSpaceMb,
      mmapThreshold,
      uvThreads,
      runtime: [mallocArenas, semiSpaceMb, mmapThreshold, uvThreads].every((v) => v === undefined)
        ? "shoebox serve's defaults"
        : 'as given',
      files: files.length,
      corpusFiles: corpus.length,
      bytes: totalBytes(files),
    },
    ceilings,
    uploadOnly: upload,
    endToEnd: e2e,
    ...(profileDir ? { profiles: profileDir } : {}),
    rows,
  };
  const file = writeResult('ingest', result);
  if (flags.bool('json')) console.log(JSON.stringify(result, null, 2));
  else {
    printTable(
      `Ingest: ${files.length} files, ${fmt.mb(totalBytes(files))}, concurrency ${concurrency}`,
      rows,
    );
    console.log(
      `\nmachine: ${before.nproc} cores ${before.cpu}, ${before.memoryGiB} GiB, node ${before.node}`,
    );
    console.log(
      `load average before/after: ${before.loadAverage.join(' ')} / ${result.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')}`,
    );
  }
  log(`result written to ${path.relative(process.cwd(), file)}`);
} finally {
  await fsp.rm(work, { recursive: true, force: true });
}
