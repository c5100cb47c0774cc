// Live push across instances: the admin renames an album in a loop and times how long its other device, whose
// WebSocket may sit on another instance, takes to hear of it (same-instance, cross-instance, after the kill).
import { approvedDevice, type SignedIn } from '../../packages/server/test/support/api.ts';
import { liveDevice } from './live.ts';
import type { LoadStats } from './load-stats.ts';
import { percentile, sleep } from './pool.ts';
import type { Proxy } from './proxy.ts';

export interface ProbeResult {
  sameP50Ms: number;
  crossP50Ms: number;
  crossP99Ms: number;
  afterKillP50Ms: number;
  counts: { same: number; cross: number; missed: number };
  reconnects: number;
}

export async function startProbe(proxy: Proxy, admin: SignedIn, stats: LoadStats) {
  const watcher = await approvedDevice(proxy.url, admin.client, 'admin@bench.example', 'watcher');
  const watch = await liveDevice(proxy.url, watcher.response.token);
  const watchOn = proxy.upgrades.at(-1) ?? -1;
  const album = await admin.client.post<{ id: string }>('/api/albums', { name: 'probe' });
  const same: number[] = [];
  const cross: number[] = [];
  const afterKill: number[] = [];
  let missed = 0;

  async function run(until: () => boolean, killed: () => boolean): Promise<ProbeResult> {
    for (let n = 0; !until(); n++) {
      const heard = watch.feeds;
      const t = performance.now();
      const rename = { name: `probe ${n}` };
      const renamed = await stats.send('probe', () =>
        admin.client.call('PATCH', `/api/albums/${album.body.id}`, rename),
      );
      if (!renamed) continue;
      const deadline = Date.now() + 5000;
      while (watch.feeds === heard && Date.now() < deadline) await sleep(2);
      const ms = performance.now() - t;
      if (Date.now() >= deadline) missed++;
      else if (killed()) afterKill.push(ms);
      else (Number(renamed.headers.get('x-served-by') ?? -1) === watchOn ? same : cross).push(ms);
      await sleep(200);
    }
    watch.stop();
    return {
      sameP50Ms: percentile(same, 50),
      crossP50Ms: percentile(cross, 50),
      crossP99Ms: percentile(cross, 99),
      afterKillP50Ms: percentile(afterKill, 50),
      counts: { same: same.length, cross: cross.length, missed },
      reconnects: watch.reconnects,
    };
  }
  return { run };
}
