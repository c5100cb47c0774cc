// npm run bench:sync -- [--quick] [--only latency,catchup,newdevice,fanout] [--trials N] [--large N] [--small N]
//                       [--photos N] [--agent-photos N] [--devices N] [--json]
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFlags } from './lib/args.ts';
import { fmt, machine, printTable, writeResult, type Row } from './lib/report.ts';
import { largeBases, smallBases } from './lib/sync-files.ts';
import { fanOutRun, newDeviceRun, type FanOutResult, type NewDeviceResult } from './lib/sync-feed.ts';
import {
  shoeboxCatchUp,
  shoeboxLatency,
  shoeboxPair,
  syncthingCatchUp,
  syncthingLatency,
  type CatchUp,
  type Latency,
} from './lib/sync-run.ts';
import { ensureSyncthing, syncthingPair } from './lib/sync-syncthing.ts';
import { anchoredCatchUp } from './lib/sync-catchup.ts';
import { agentSnapshotRun, type AgentSnapshotResult } from './lib/sync-agent-snapshot.ts';

/** Figures from the issue, measured on our machine class. */
const ANCHORS = { immichSnapshot: { assets: 10_200, seconds: 1.15 } };
const TARGETS = { p50Ms: 150, p95Ms: 400, largeMbRatio: 1.5, smallItemsRatio: 5, snapshotSeconds: 3 };

const flags = readFlags('npm run bench:sync -- [flags]', {
  quick: {
    type: 'boolean',
    help: 'small sizes: 5 trials, 100 large + 1000 small files, 10k rows, 200 sockets',
  },
  only: { type: 'string', help: 'comma list of latency,catchup,newdevice,agent,fanout (default all)' },
  trials: { type: 'string', help: 'latency trials per configuration (default 20)' },
  large: { type: 'string', help: 'catch-up: ~3.3 MB files (default 1000)' },
  small: { type: 'string', help: 'catch-up: ~110 KB files (default 10000)' },
  photos: { type: 'string', help: 'new device: library rows (default 100000)' },
  'agent-photos': { type: 'string', help: 'new device through the real agent: library rows (default 20000)' },
  devices: { type: 'string', help: 'fan-out: sockets in all (default 2000; 100 on the measured account)' },
  json: { type: 'boolean', help: 'print the JSON result instead of tables' },
  'no-syncthing': {
    type: 'boolean',
    help: 'measure Shoebox only: latency alone; catch-up against the issue’s Syncthing figures (88 MB/s, 71 items/s)',
  },
});
const quick = flags.bool('quick');
const sizes = {
  trials: flags.int('trials', quick ? 5 : 20),
  large: flags.int('large', quick ? 100 : 1000),
  small: flags.int('small', quick ? 1000 : 10_000),
  photos: flags.int('photos', quick ? 10_000 : 100_000),
  agentPhotos: flags.int('agent-photos', quick ? 5_000 : 20_000),
  devices: flags.int('devices', quick ? 200 : 2000),
};
const only = new Set((flags.str('only') ?? 'latency,catchup,newdevice,agent,fanout').split(','));
const log = (line: string) => process.stderr.write(`${line}\n`);
const before = machine();
const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-sync-bench-'));

interface Result {
  syncthing?: string;
  latency?: {
    shoebox: Latency & { uploadedP50: number; downloadedP50: number; stagesP50: Record<string, number> };
    syncthing?: Record<'default' | 'watcher-1s' | 'rest-rescan', Latency>;
  };
  catchUp?: {
    large: { shoebox: CatchUp; syncthing: CatchUp };
    small: { shoebox: CatchUp; syncthing: CatchUp };
  };
  /** Syncthing not run: its catch-up figures are the issue's (--no-syncthing). */
  catchUpAnchored?: boolean;
  newDevice?: NewDeviceResult;
  agentSnapshot?: AgentSnapshotResult;
  fanOut?: FanOutResult;
}
const result: Result = {};

try {
  // --no-syncthing without the catch-up: Shoebox's latency alone, with no Syncthing to install or start.
  const shoeboxOnly = flags.bool('no-syncthing');
  if (shoeboxOnly && only.has('latency')) {
    const large = await largeBases(sizes.large);
    const pair = await shoeboxPair(path.join(work, 'shoebox'));
    try {
      log(`latency: ${sizes.trials} trials, Shoebox only`);
      const shoebox = await shoeboxLatency(pair, sizes.trials, large);
      log(`  shoebox p50 ${fmt.ms(shoebox.p50)}`);
      log(`  stages (p50, ms after the write): ${JSON.stringify(shoebox.stagesP50)}`);
      result.latency = { shoebox };
    } finally {
      await Promise.all([pair.agentA.stop(), pair.agentB.stop()]);
      await pair.server.stop();
    }
  }
  if (shoeboxOnly && only.has('catchup')) {
    const pair = await shoeboxPair(path.join(work, 'shoebox-catchup'));
    try {
      result.catchUp = await anchoredCatchUp(pair, sizes, log);
      result.catchUpAnchored = true;
    } finally {
      await Promise.all([pair.agentA.stop(), pair.agentB.stop()]);
      await pair.server.stop();
    }
  }
  if (!shoeboxOnly && (only.has('latency') || only.has('catchup'))) {
    result.syncthing = ensureSyncthing(log);
    log(`${result.syncthing}`);
    const large = await largeBases(sizes.large);
    const [a, b] = await syncthingPair(path.join(work, 'syncthing'));
    // Syncthing keeps running if Shoebox fails to start: stop it before giving up.
    const pair = await shoeboxPair(path.join(work, 'shoebox')).catch(async (err: unknown) => {
      await Promise.all([a.stop(), b.stop()]);
      throw err;
    });
    try {
      if (only.has('latency')) {
        log(`latency: ${sizes.trials} trials each`);
        const shoebox = await shoeboxLatency(pair, sizes.trials, large);
        log(`  shoebox p50 ${fmt.ms(shoebox.p50)}`);
        log(
          `  stages (p50, ms after the write): ${Object.entries(shoebox.stagesP50)
            .map(([k, v]) => `${k} ${fmt.ms(v)}`)
            .join(', ')}`,
        );
        if (flags.bool('no-syncthing')) result.latency = { shoebox };
        else {
          const st = {
            default: await syncthingLatency(a, b, 'default', sizes.trials, large),
            'watcher-1s': await syncthingLatency(a, b, 'watcher-1s', sizes.trials, large),
            'rest-rescan': await syncthingLatency(a, b, 'rest-rescan', sizes.trials, large),
          };
          log(
            `  syncthing p50 ${fmt.ms(st.default.p50)} / ${fmt.ms(st['watcher-1s'].p50)} / ${fmt.ms(st['rest-rescan'].p50)}`,
          );
          result.latency = { shoebox, syncthing: st };
        }
      }
      if (only.has('catchup')) {
        const small = await smallBases();
        const sets = {
          large: { count: sizes.large, bases: large, maxExtra: 65_000, label: 'large' },
          small: { count: sizes.small, bases: small, maxExtra: 64, label: 'small' },
        };
        const catchUp: Record<string, { shoebox: CatchUp; syncthing: CatchUp }> = {};
        for (const [name, set] of Object.entries(sets)) {
          log(`catch-up: ${set.count} ${name} files`);
          const syncthing = await syncthingCatchUp(a, b, set);
          log(`  syncthing ${fmt.s(syncthing.seconds)}`);
          const shoebox = await shoeboxCatchUp(pair, set, log);
          log(`  shoebox ${fmt.s(shoebox.seconds)}`);
          catchUp[name] = { shoebox, syncthing };
        }
        result.catchUp = catchUp as NonNullable<Result['catchUp']>;
      }
    } finally {
      await Promise.all([a.stop(), b.stop(), pair.agentA.stop(), pair.agentB.stop()]);
      await pair.server.stop();
      await fsp.rm(path.join(work, 'syncthing'), { recursive: true, force: true });
      await fsp.rm(path.join(work, 'shoebox'), { recursive: true, force: true });
    }
  }
  if (only.has('newdevice')) {
    log(`new device: ${sizes.photos} photos`);
    result.newDevice = await newDeviceRun({
      photos: sizes.photos,
      dataDir: path.join(work, 'new-device'),
      log,
    });
  }
  if (only.has('agent')) {
    log(`new device through the agent: ${sizes.agentPhotos} photos`);
    result.agentSnapshot = await agentSnapshotRun({
      photos: sizes.agentPhotos,
      dataDir: path.join(work, 'agent-snapshot'),
      log,
    });
  }
  if (only.has('fanout')) {
    log(`fan-out: ${sizes.devices} sockets`);
    const onAccount = Math.min(100, sizes.devices);
    result.fanOut = await fanOutRun({
      devices: sizes.devices,
      onAccount,
      trials: 5,
      dataDir: path.join(work, 'fan-out'),
      log,
    });
  }
} finally {
  await fsp.rm(work, { recursive: true, force: true });
}

const rows: Row[] = [];
if (result.latency) {
  const { shoebox, syncthing } = result.latency;
  for (const p of ['p50', 'p95', 'max'] as const) {
    const target = p === 'p50' ? TARGETS.p50Ms : p === 'p95' ? TARGETS.p95Ms : undefined;
    const st = syncthing && [syncthing.default[p], syncthing['watcher-1s'][p], syncthing['rest-rescan'][p]];
    rows.push({
      figure: `latency ${p}, 3.3 MB JPEG A→B (${shoebox.trials.length} trials)`,
      value:
        fmt.ms(shoebox[p]) +
        (p === 'p50'
          ? ` (A uploaded at ${fmt.ms(shoebox.uploadedP50)}, B downloaded at ${fmt.ms(shoebox.downloadedP50)})`
          : ''),
      anchor: st
        ? `Syncthing ${st.map(fmt.ms).join(' / ')} (default / 1 s delay / REST rescan)`
        : 'Syncthing not run',
      ratio: st ? `${st.map((v) => fmt.x(v / shoebox[p])).join(' / ')} faster` : '',
      target: target ? `≤ ${target} ms` : '',
      met: target ? shoebox[p] <= target : null,
    });
  }
}
if (result.catchUp) {
  const { large, small } = result.catchUp;
  const anchored = result.catchUpAnchored ? ' (issue, not run)' : '';
  rows.push({
    figure: `catch-up ${large.shoebox.files} × ${fmt.mb(large.shoebox.bytes / large.shoebox.files)}`,
    value: `${fmt.s(large.shoebox.seconds)}, ${fmt.n(large.shoebox.mbPerSecond)} MB/s`,
    anchor: `Syncthing${anchored} ${fmt.s(large.syncthing.seconds)}, ${fmt.n(large.syncthing.mbPerSecond)} MB/s`,
    ratio: fmt.x(large.shoebox.mbPerSecond / large.syncthing.mbPerSecond),
    target: `≥ ${TARGETS.largeMbRatio}x MB/s`,
    met: large.shoebox.mbPerSecond / large.syncthing.mbPerSecond >= TARGETS.largeMbRatio,
  });
  rows.push({
    figure: `catch-up ${small.shoebox.files} × ${(small.shoebox.bytes / small.shoebox.files / 1e3).toFixed(0)} KB`,
    value: `${fmt.s(small.shoebox.seconds)}, ${fmt.n(small.shoebox.itemsPerSecond)} items/s`,
    anchor: `Syncthing${anchored} ${fmt.s(small.syncthing.seconds)}, ${fmt.n(small.syncthing.itemsPerSecond)} items/s`,
    ratio: fmt.x(small.shoebox.itemsPerSecond / small.syncthing.itemsPerSecond),
    target: `≥ ${TARGETS.smallItemsRatio}x items/s`,
    met: small.shoebox.itemsPerSecond / small.syncthing.itemsPerSecond >= TARGETS.smallItemsRatio,
  });
}
if (result.newDevice) {
  const n = result.newDevice;
  const perRecord = (n.seconds / n.photos) * 1e6;
  const immich = (ANCHORS.immichSnapshot.seconds / ANCHORS.immichSnapshot.assets) * 1e6;
  rows.push({
    figure: `new device: snapshot of ${n.photos} applied (${n.applied}), ${fmt.mb(n.snapshotBytes)} streamed`,
    value: `${fmt.s(n.seconds)} (${perRecord.toFixed(1)} us/record; CPU server ${fmt.s(n.serverCpuSeconds)}, device ${fmt.s(n.deviceCpuSeconds)})`,
    anchor: `Immich ${ANCHORS.immichSnapshot.seconds} s / ${ANCHORS.immichSnapshot.assets} (${immich.toFixed(0)} us/record); Syncthing n/a`,
    ratio: `${fmt.x(immich / perRecord)} faster per record`,
    target: `≤ ${TARGETS.snapshotSeconds} s for 100k`,
    met: (n.seconds * 100_000) / n.photos <= TARGETS.snapshotSeconds,
  });
  rows.push({
    figure: 'new device: server RSS growth during the snapshot',
    value: fmt.mb(n.rssGrowthBytes),
    anchor: `baseline ${fmt.mb(n.baselineRssBytes)}`,
    ratio: '',
    target: '≤ 100 MB',
    met: n.rssGrowthBytes <= 100e6,
  });
}
if (result.agentSnapshot) {
  const g = result.agentSnapshot;
  rows.push({
    figure: `new device through \`shoebox sync --once\`: ${g.photos} records streamed and applied`,
    value: `${fmt.s(g.seconds)}; agent peak RSS ${fmt.mb(g.agentPeakRssBytes)}, CPU ${fmt.s(g.agentCpuSeconds)}`,
    anchor: 'bounded memory: RSS must not grow with the library',
    ratio: '',
    target: '',
    met: null,
  });
}
if (result.fanOut) {
  const f = result.fanOut;
  rows.push({
    figure: `fan-out: ${f.accountDevices} devices of ${f.sockets} got the hint and pulled (${f.trials} uploads)`,
    value: `p99 ${fmt.ms(f.p99Ms)} (p50 ${fmt.ms(f.p50Ms)}, max ${fmt.ms(f.maxMs)}; after the response p99 ${fmt.ms(f.afterResponseP99Ms)})`,
    anchor: 'Syncthing n/a (no server)',
    ratio: '',
    target: '≤ 200 ms p99',
    met: f.p99Ms <= 200,
  });
  rows.push({
    figure: `fan-out: server RSS with ${f.sockets} idle sockets`,
    value: fmt.mb(f.idleRssBytes),
    anchor: `before the sockets ${fmt.mb(f.baselineRssBytes)}; opened in ${fmt.s(f.connectSeconds)}`,
    ratio: `${((f.idleRssBytes - f.baselineRssBytes) / f.sockets / 1024).toFixed(1)} KiB/socket`,
    target: '≤ 500 MB',
    met: f.idleRssBytes <= 500e6,
  });
}

const output = { machine: before, machineAfter: machine(), sizes, result, rows };
const file = writeResult('sync', output);
if (flags.bool('json')) console.log(JSON.stringify(output, null, 2));
else {
  const shown = Object.entries(sizes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  printTable(`Sync (${shown}; load before ${before.loadAverage.join(' ')})`, rows);
  console.log(`\nresult: ${file}`);
}
