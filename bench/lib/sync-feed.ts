import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { Photo, PushMessage, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { openDatabase } from '../../packages/server/src/adapters/db/database.ts';
import { newId, newSecret } from '../../packages/server/src/platform/ids.ts';
import { CORPUS } from './paths.ts';
import { mapLimit, percentile, sleep } from './pool.ts';
import { seedLibrary } from './seed.ts';
import { startServer, type ServerProcess } from './server.ts';

/** Current resident set size of a process in bytes (0 once it is gone). */
export function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The highest RSS of `pid` while `task` runs, sampled every 20 ms. */
async function peakDuring<T>(pid: number, task: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    const result = await task();
    return { result, peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

export interface NewDeviceResult {
  photos: number;
  applied: number;
  seconds: number;
  baselineRssBytes: number;
  rssGrowthBytes: number;
  snapshotBytes: number;
  /** Where the time went: CPU seconds of the server and of this (device) process during the pull. */
  serverCpuSeconds: number;
  deviceCpuSeconds: number;
}

/**
 * A library of `photos` rows seeded straight into SQLite; a device that has never synced reads the snapshot
 * stream and writes every record into its own SQLite replica (as a phone app would), then acknowledges it.
 */
export async function newDeviceRun(o: { photos: number; dataDir: string; log: (l: string) => void }) {
  await fsp.mkdir(o.dataDir, { recursive: true });
  const handle = await openDatabase({ url: `sqlite:${path.join(o.dataDir, 'shoebox.db')}` });
  const seeded = await seedLibrary(handle.db, o.photos, o.log).finally(() => handle.close());
  const server = await startServer({ dataDir: o.dataDir });
  try {
    await sleep(1000);
    const baseline = rssOf(server.pid);
    const [serverCpu, deviceCpu] = [server.cpuSeconds(), process.cpuUsage()];
    const started = performance.now();
    const { result, peak } = await peakDuring(server.pid, () =>
      pullSnapshot(server.url, seeded.token, path.join(o.dataDir, 'replica.db')),
    );
    const seconds = (performance.now() - started) / 1000;
    const device = process.cpuUsage(deviceCpu);
    return {
      photos: o.photos,
      applied: result.applied,
      seconds,
      baselineRssBytes: baseline,
      rssGrowthBytes: Math.max(0, peak - baseline),
      snapshotBytes: result.bytes,
      serverCpuSeconds: server.cpuSeconds() - serverCpu,
      deviceCpuSeconds: (device.user + device.system) / 1e6,
    } satisfies NewDeviceResult;
  } finally {
    await server.stop();
  }
}

async function pullSnapshot(url: string, token: string, file: string) {
  const replica = new Database(file);
  replica.pragma('journal_mode = WAL');
  replica.pragma('synchronous = NORMAL');
  replica.exec(`CREATE TABLE photos (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, status TEXT NOT NULL,
    taken TEXT, width INTEGER, height INTEGER, record TEXT NOT NULL)`);
  const insert = replica.prepare('INSERT OR REPLACE INTO photos VALUES (?, ?, ?, ?, ?, ?, ?)');
  const apply = replica.transaction((lines: string[]) => {
    for (const text of lines) {
      const { photo } = JSON.parse(text) as { photo: Photo };
      insert.run(photo.id, photo.sha256, photo.status, photo.captureTime, photo.width, photo.height, text);
    }
  });
  const response = await fetch(`${url}/api/sync/snapshot`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) throw new Error(`snapshot: ${response.status}`);
  const decoder = new TextDecoder();
  let rest = '';
  let batch: string[] = [];
  let applied = 0;
  let bytes = 0;
  let end: Extract<SnapshotLine, { type: 'end' }> | undefined;
  const take = (text: string) => {
    if (text.startsWith('{"type":"photo"')) batch.push(text);
    else if (text) {
      const line = JSON.parse(text) as SnapshotLine;
      if (line.type === 'end') end = line;
    }
    if (batch.length >= 2000) flush();
  };
  const flush = () => {
    apply(batch);
    applied += batch.length;
    batch = [];
  };
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    rest += decoder.decode(chunk, { stream: true });
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) take(text);
  }
  take(rest);
  flush();
  if (!end) throw new Error('the snapshot ended early');
  const ack = await fetch(`${url}/api/sync/ack`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cursor: end.cursor, kind: 'snapshot', count: applied }),
  });
  if (!ack.ok) throw new Error(`ack: ${ack.status}`);
  replica.close();
  return { applied, bytes };
}

export interface FanOutResult {
  sockets: number;
  accountDevices: number;
  trials: number;
  /** ms from sending the upload until each device of the account had pulled the new photo. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same, from the moment the upload's response arrived (push and pull only). */
  afterResponseP99Ms: number;
  baselineRssBytes: number;
  idleRssBytes: number;
  connectSeconds: number;
}

interface SeededDevice {
  accountId: string;
  token: string;
}

/** Accounts, trusted devices and sessions written straight into the database: 2,000 sign-ins would take long. */
async function seedDevices(dataDir: string, total: number, onAccount: number): Promise<SeededDevice[][]> {
  const handle = await openDatabase({ url: `sqlite:${path.join(dataDir, 'shoebox.db')}` });
  const now = Date.now();
  const accounts: SeededDevice[][] = [];
  const sizes = [onAccount];
  for (let left = total - onAccount; left > 0; left -= 20) sizes.push(Math.min(20, left));
  try {
    await handle.db.transaction().execute(async (trx) => {
      for (const [n, size] of sizes.entries()) {
        const accountId = newId(now);
        await trx
          .insertInto('accounts')
          .values({
            ...{ id: accountId, email: `fan-${n}@example.com`, display_name: `Fan ${n}` },
            ...{ password_hash: 'not-a-hash: seeded sessions only', role: n === 0 ? 'admin' : 'user' },
            ...{ created_at: now, password_changed_at: now },
          })
          .execute();
        const devices: SeededDevice[] = [];
        for (let d = 0; d < size; d++) {
          const deviceId = newId(now);
          const token = newSecret(256);
          await trx
            .insertInto('devices')
            .values({
              ...{ id: deviceId, account_id: accountId, installation_id: randomBytes(8).toString('hex') },
              ...{ name: `phone ${d}`, model: 'Bench', os: 'Node', app_version: '1.0.0', serial: null },
              ...{
                status: 'trusted',
                created_at: now,
                trusted_at: now,
                trust_reason: '{"kind":"first-device"}',
              },
              ...{ last_seen_at: now, last_ip: '127.0.0.1', last_place: null, removed_at: null },
            })
            .execute();
          await trx
            .insertInto('sessions')
            .values({
              ...{ id: newId(now), account_id: accountId, device_id: deviceId, created_at: now },
              ...{ token_hash: createHash('sha256').update(token).digest('hex') },
              ...{ expires_at: now + 86_400_000, last_used_at: now, ip: '127.0.0.1', place: null },
              ...{ factors: '["password"]', revoked_at: null, revoke_reason: null },
              ...{ client: 'device', authenticated_at: now },
            })
            .execute();
          devices.push({ accountId, token });
        }
        accounts.push(devices);
      }
    });
  } finally {
    await handle.close();
  }
  return accounts;
}

interface LiveDevice {
  socket: WebSocket;
  cursor: string;
  token: string;
  onFeed?: () => void;
}

function connect(server: ServerProcess, token: string): Promise<LiveDevice> {
  return new Promise((resolve, reject) => {
    const url = `${server.url.replace('http:', 'ws:')}/api/sync/socket?access_token=${token}`;
    const socket = new WebSocket(url);
    const device: LiveDevice = { socket, cursor: '', token };
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as PushMessage;
      if (message.type === 'hello') {
        // The bench's devices are trusted: a null cursor would mean the server took one for a waiting device.
        if (message.cursor === null) return reject(new Error('the bench device is not trusted'));
        device.cursor = message.cursor;
        resolve(device);
      } else if (message.type === 'feed') device.onFeed?.();
    });
    socket.on('error', reject);
  });
}

/** 2,000 devices on sockets (one account with 100 of them); uploads on that account; time until all pulled it. */
export async function fanOutRun(o: {
  devices: number;
  onAccount: number;
  trials: number;
  dataDir: string;
  log: (l: string) => void;
}): Promise<FanOutResult> {
  await fsp.mkdir(o.dataDir, { recursive: true });
  const server0 = await startServer({ dataDir: o.dataDir });
  await server0.stop(); // migrations done by the server itself, then the rows go in
  const accounts = await seedDevices(o.dataDir, o.devices, o.onAccount);
  const server = await startServer({ dataDir: o.dataDir });
  try {
    await sleep(1000);
    const baseline = rssOf(server.pid);
    const connectStart = performance.now();
    const all = await mapLimit(accounts.flat(), 50, (d) => connect(server, d.token));
    const connectSeconds = (performance.now() - connectStart) / 1000;
    o.log(`  ${all.length} sockets open in ${connectSeconds.toFixed(1)} s`);
    await sleep(3000);
    const idle = rssOf(server.pid);
    const mine = all.slice(0, o.onAccount);
    const base = fs.readFileSync(path.join(CORPUS, 'cameras', 'nikon-e775-8x8.jpg'));
    const samples: number[] = [];
    const afterResponse: number[] = [];
    for (let t = 0; t < o.trials; t++) {
      const bytes = Buffer.concat([base, randomBytes(16)]);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      let responded = 0;
      const started = performance.now();
      const pulled = mine.map(
        (d) =>
          new Promise<number>((resolve, reject) => {
            d.onFeed = () => {
              void pull(server.url, d)
                .then((photos) => {
                  if (photos.some((p) => p.sha256 === sha256)) resolve(performance.now());
                })
                .catch(reject);
            };
          }),
      );
      const upload = await fetch(`${server.url}/api/photos`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${mine[0]?.token ?? ''}`,
          'content-type': 'application/octet-stream',
        },
        body: bytes,
      });
      responded = performance.now();
      if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
      for (const at of await Promise.all(pulled)) {
        samples.push(at - started);
        afterResponse.push(Math.max(0, at - responded));
      }
      for (const d of mine) delete d.onFeed;
      await sleep(1500);
    }
    for (const d of all) d.socket.terminate();
    return {
      sockets: all.length,
      accountDevices: mine.length,
      trials: o.trials,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      maxMs: Math.max(...samples),
      afterResponseP99Ms: percentile(afterResponse, 99),
      baselineRssBytes: baseline,
      idleRssBytes: idle,
      connectSeconds,
    };
  } finally {
    await server.stop();
  }
}

/** One device follows the feed from its cursor to the head; returns the photos it received. */
async function pull(url: string, d: LiveDevice): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (;;) {
    const response = await fetch(`${url}/api/sync/changes?cursor=${d.cursor}`, {
      headers: { authorization: `Bearer ${d.token}` },
    });
    if (!response.ok) throw new Error(`changes: ${response.status}`);
    const page = (await response.json()) as SyncChangesPage;
    for (const c of page.changes) if (c.photo) photos.push(c.photo);
    d.cursor = page.cursor;
    if (!page.hasMore) return photos;
  }
}
