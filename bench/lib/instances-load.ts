// The multi-instance workload: every load account's device uploads real corpus photos (each made distinct, so
// every upload stores a new blob) and lists its first timeline page, in a loop; meanwhile a probe account renames
// an album and times how long its other device, whose WebSocket may sit on another instance, takes to hear of it.
import {
  approvedDevice,
  createAccount,
  deviceDescription,
  distinctCopy,
  signIn,
  type SignedIn,
  type TestClient,
} from '../../packages/server/test/support/api.ts';
import { liveDevice, type LiveDevice } from './live.ts';
import { timelineCount } from './timeline-count.ts';
import type { Proxy } from './proxy.ts';
import { percentile, sleep } from './pool.ts';

export interface LoadOptions {
  accounts: number;
  seconds: number;
  photos: readonly string[];
  /** Called halfway through: kills an instance (and takes it out of the proxy). */
  kill?: () => Promise<void>;
}

export interface LoadResult {
  seconds: number;
  requests: number;
  uploads: number;
  uploadMB: number;
  errors: number;
  firstErrors: string[];
  uploadP50Ms: number;
  uploadP99Ms: number;
  listP50Ms: number;
  listP99Ms: number;
  pushSameP50Ms: number;
  pushCrossP50Ms: number;
  pushCrossP99Ms: number;
  pushProbes: { same: number; cross: number; missed: number };
  /** Feed hints received by the load devices' own sockets, per acknowledged upload. */
  hintsPerUpload: number;
  /** Acknowledged uploads missing from the timelines afterwards (must be 0). */
  lost: number;
  /** Requests sent again after a refused or broken connection (the killed instance), as devices do. */
  retried: number;
  /** WebSocket reconnections, all devices. */
  reconnects: number;
  pushAfterKillP50Ms: number;
}

interface Device {
  session: SignedIn;
  socket: LiveDevice;
}

interface Reply {
  status: number;
  headers?: Headers;
  body?: unknown;
}

const servedBy = (headers: Headers) => Number(headers.get('x-served-by') ?? -1);

export async function runLoad(proxy: Proxy, options: LoadOptions): Promise<LoadResult> {
  const url = proxy.url;
  await createAccount(url, 'admin@bench.example');
  const admin = await signIn(url, 'admin@bench.example', deviceDescription('desk'), '203.0.113.250');
  const devices: Device[] = [];
  for (let i = 0; i < options.accounts; i++) {
    const email = `user${i}@bench.example`;
    await createAccount(url, email, admin.client);
    const session = await signIn(url, email, deviceDescription(`phone-${i}`), `203.0.113.${(i % 240) + 1}`);
    devices.push({ session, socket: await liveDevice(url, session.response.token) });
  }
  const watcher = await approvedDevice(url, admin.client, 'admin@bench.example', 'watcher');
  const watch = await liveDevice(url, watcher.response.token);
  const watchOn = proxy.upgrades.at(-1) ?? -1;
  const album = await admin.client.post<{ id: string }>('/api/albums', { name: 'probe' });

  const uploadMs: number[] = [];
  const listMs: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  let requests = 0;
  let bytes = 0;
  let retried = 0;
  let killed = false;
  const acked = new Map<TestClient, number>();
  const fail = (what: string) => {
    errors++;
    if (firstErrors.length < 5) firstErrors.push(what);
  };
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  /** Up to 10 tries 200 ms apart while the connection breaks or the proxy has no instance for it (502). */
  async function send(call: () => Promise<Reply>): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await call().catch((err: Error) => ({ status: 0, body: err.message }));
      requests++;
      if ((reply.status !== 0 && reply.status !== 502) || attempt === 9) return reply;
      retried++;
      await sleep(200);
    }
  }

  async function loop(device: Device, index: number): Promise<void> {
    const { client } = device.session;
    for (let n = 0; Date.now() < deadline; n++) {
      const file = options.photos[(index * 7 + n) % options.photos.length] ?? '';
      const body = distinctCopy(file, `${index}-${n}-${started}`);
      let t = performance.now();
      const up = await send(() => client.upload(body));
      // 200: a retry of an upload that had been stored before its instance died.
      if (up.status !== 201 && up.status !== 200)
        fail(`upload ${up.status} ${JSON.stringify(up.body).slice(0, 200)}`);
      else {
        uploadMs.push(performance.now() - t);
        bytes += body.length;
        acked.set(client, (acked.get(client) ?? 0) + 1);
      }
      t = performance.now();
      const list = await send(() => client.get('/api/photos?limit=100'));
      if (list.status !== 200) fail(`list ${list.status}`);
      else listMs.push(performance.now() - t);
    }
  }

  const same: number[] = [];
  const afterKill: number[] = [];
  const cross: number[] = [];
  let missed = 0;
  async function probe(): Promise<void> {
    for (let n = 0; Date.now() < deadline; n++) {
      const heard = watch.feeds;
      const t = performance.now();
      const rename = { name: `probe ${n}` };
      const renamed = await send(() => admin.client.call('PATCH', `/api/albums/${album.body.id}`, rename));
      if (renamed.status !== 200) {
        fail(`rename ${renamed.status}`);
        continue;
      }
      const until = Date.now() + 5000;
      while (watch.feeds === heard && Date.now() < until) await sleep(2);
      const ms = performance.now() - t;
      if (Date.now() >= until) missed++;
      else if (killed) afterKill.push(ms);
      else (renamed.headers && servedBy(renamed.headers) === watchOn ? same : cross).push(ms);
      await sleep(200);
    }
  }

  async function killer(): Promise<void> {
    if (!options.kill) return;
    await sleep(options.seconds * 500);
    await options.kill();
    killed = true;
  }

  await Promise.all([...devices.map((d, i) => loop(d, i)), probe(), killer()]);
  const seconds = (Date.now() - started) / 1000;
  await sleep(1500);
  let lost = 0;
  for (const d of devices)
    lost += Math.max(0, (acked.get(d.session.client) ?? 0) - (await timelineCount(d.session.client)));
  const sockets = [...devices.map((x) => x.socket), watch];
  const hints = devices.reduce((n, d) => n + d.socket.feeds, 0);
  for (const socket of sockets) socket.stop();
  const uploads = uploadMs.length;
  return {
    seconds,
    requests,
    uploads,
    uploadMB: bytes / 1e6,
    errors,
    firstErrors,
    uploadP50Ms: percentile(uploadMs, 50),
    uploadP99Ms: percentile(uploadMs, 99),
    listP50Ms: percentile(listMs, 50),
    listP99Ms: percentile(listMs, 99),
    pushSameP50Ms: percentile(same, 50),
    pushCrossP50Ms: percentile(cross, 50),
    pushCrossP99Ms: percentile(cross, 99),
    pushProbes: { same: same.length, cross: cross.length, missed },
    hintsPerUpload: uploads ? hints / uploads : 0,
    lost,
    retried,
    reconnects: sockets.reduce((n, socket) => n + socket.reconnects, 0),
    pushAfterKillP50Ms: percentile(afterKill, 50),
  };
}
