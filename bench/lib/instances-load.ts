// The load generator of the multi-instance bench: accounts × devices, each device a simulator (load-device.ts)
// that uploads real corpus photos (each made distinct, so every upload stores a new blob) and syncs the others'
// uploads through the change feed, downloading and verifying every original. At the end uploads stop, every device
// syncs to the head, and the run checks that every acknowledged upload is on the server and every device holds
// exactly the account's library.
import type { PhotoPage } from '@shoebox/shared';
import { distinctCopy, type TestClient } from '../../packages/server/test/support/api.ts';
import { startProbe, type ProbeResult } from './instances-probe.ts';
import type { DeviceSimulator } from './load-device.ts';
import { enrolFleet } from './load-fleet.ts';
import { LoadStats, type KindFigures } from './load-stats.ts';
import { mapLimit, sleep } from './pool.ts';
import type { Proxy } from './proxy.ts';

export interface LoadOptions {
  accounts: number;
  devicesPerAccount: number;
  seconds: number;
  photos: readonly string[];
  /** Pause between one device's uploads (0: as fast as the server answers). */
  uploadGapMs: number;
  /** Called halfway through: kills an instance (and takes it out of the proxy). */
  kill?: () => Promise<void>;
  log: (line: string) => void;
}

export interface LoadResult {
  devices: number;
  seconds: number;
  enrolSeconds: number;
  requests: number;
  uploads: number;
  uploadMB: number;
  downloadMB: number;
  byKind: Record<string, KindFigures>;
  errors: number;
  firstErrors: string[];
  /** Originals whose bytes did not match their SHA-256 (must be 0). */
  corrupt: number;
  /** Acknowledged uploads missing from the server afterwards (must be 0). */
  lost: number;
  /** Devices whose library is not exactly the account's after the final sync (must be 0). */
  notConverged: number;
  convergeSeconds: number;
  /** Requests sent again after a refused or broken connection (the killed instance), as devices do. */
  retried: number;
  /** Live-channel reconnections, all devices. */
  reconnects: number;
  /** Devices whose live channel came back (through the proxy, to a surviving instance) at least once. */
  devicesReconnected: number;
  probe: ProbeResult;
}

export async function runLoad(proxy: Proxy, options: LoadOptions): Promise<LoadResult> {
  const stats = new LoadStats();
  const enrolStarted = Date.now();
  const fleet = await enrolFleet(proxy.url, stats, options);
  const devices = fleet.accounts.flat();
  await mapLimit(devices, 16, async (d) => {
    await d.connect();
    await d.snapshot();
  });
  const probe = await startProbe(proxy, fleet.admin, stats);
  const enrolSeconds = (Date.now() - enrolStarted) / 1000;
  options.log(`  ${devices.length} devices enrolled, connected and synced in ${enrolSeconds.toFixed(0)} s`);

  const startRequests = stats.requests;
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  let killed = false;
  let syncing = true;
  const uploading = () => Date.now() < deadline;

  async function uploads(device: DeviceSimulator, index: number): Promise<void> {
    for (let n = 0; uploading(); n++) {
      const file = options.photos[(index * 7 + n) % options.photos.length] ?? '';
      await device.upload(distinctCopy(file, `${device.name}-${n}-${started}`));
      if (options.uploadGapMs > 0) await sleep(options.uploadGapMs);
    }
  }
  async function killer(): Promise<void> {
    if (!options.kill) return;
    await sleep(options.seconds * 500);
    options.log('  killing one instance (SIGKILL)');
    await options.kill();
    killed = true;
  }
  const syncLoops = devices.map((d) => d.syncLoop(() => !syncing));
  const probeRun = probe.run(
    () => !uploading(),
    () => killed,
  );
  await Promise.all([...devices.map((d, i) => uploads(d, i)), killer()]);
  const seconds = (Date.now() - started) / 1000;
  const requests = stats.requests - startRequests;

  // Uploads stopped: every device syncs to the head of its feed (hints, or the fallback poll).
  const convergeStarted = Date.now();
  const ackedOf = (account: DeviceSimulator[]) => new Map(account.flatMap((d) => [...d.acked]));
  const holdsAll = (account: DeviceSimulator[]) => {
    const all = ackedOf(account);
    return account.every((d) => [...all.keys()].every((id) => d.library.has(id)));
  };
  for (const d of devices) d.hint();
  while (Date.now() - convergeStarted < 120_000 && !fleet.accounts.every(holdsAll)) await sleep(200);
  syncing = false;
  for (const d of devices) d.stop();
  await Promise.all(syncLoops);
  const convergeSeconds = (Date.now() - convergeStarted) / 1000;
  const probeResult = await probeRun;

  // Every acknowledged upload is on the server; every device holds exactly the account's library.
  let lost = 0;
  let notConverged = 0;
  await mapLimit(fleet.accounts, 4, async (account) => {
    const first = account[0];
    if (!first) return;
    const onServer = await libraryOf(first.client, stats);
    for (const [id, sha256] of ackedOf(account)) if (onServer.get(id) !== sha256) lost++;
    for (const d of account) {
      const same =
        d.library.size === onServer.size && [...onServer].every(([id, sha]) => d.library.get(id) === sha);
      if (!same) notConverged++;
    }
  });

  return {
    devices: devices.length,
    seconds,
    enrolSeconds,
    requests,
    uploads: devices.reduce((n, d) => n + d.acked.size, 0),
    uploadMB: stats.uploadBytes / 1e6,
    downloadMB: stats.downloadBytes / 1e6,
    byKind: stats.figures(),
    errors: stats.errors,
    firstErrors: stats.firstErrors,
    corrupt: stats.corrupt,
    lost,
    notConverged,
    convergeSeconds,
    retried: stats.retried,
    reconnects: devices.reduce((n, d) => n + (d.socket?.reconnects ?? 0), 0) + probeResult.reconnects,
    devicesReconnected: devices.filter((d) => (d.socket?.reconnects ?? 0) > 0).length,
    probe: probeResult,
  };
}

/** The account's photos on the server (id → SHA-256), following the timeline's cursors to the end. */
async function libraryOf(client: TestClient, stats: LoadStats): Promise<Map<string, string>> {
  const photos = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await stats.send('check', () => client.get<PhotoPage>(`/api/photos?limit=500${query}`));
    if (!page) break;
    for (const photo of page.body.items) photos.set(photo.id, photo.sha256);
    cursor = page.body.nextCursor;
  } while (cursor);
  return photos;
}
