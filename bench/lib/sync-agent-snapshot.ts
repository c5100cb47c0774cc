import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { openDatabase } from '../../packages/server/src/adapters/db/database.ts';
import { CORPUS, REPO_ROOT } from './paths.ts';
import { seedLibrary } from './seed.ts';
import { startServer } from './server.ts';
import { rssOf } from './sync-feed.ts';

export interface AgentSnapshotResult {
  photos: number;
  seconds: number;
  /** Highest RSS of the `shoebox sync --once` process (sampled every 20 ms). */
  agentPeakRssBytes: number;
  agentCpuSeconds: number;
}

/**
 * The real agent as a new device: `shoebox sync DIR --once` against a library of `photos` seeded rows, each with
 * its own small JPEG (~1 KB): the snapshot streamed, every photo downloaded, hashed and written, and the agent's
 * memory sampled throughout (it must not grow with the library).
 */
export async function agentSnapshotRun(o: { photos: number; dataDir: string; log: (l: string) => void }) {
  await fsp.mkdir(o.dataDir, { recursive: true });
  const handle = await openDatabase({ url: `sqlite:${path.join(o.dataDir, 'shoebox.db')}` });
  const seeded = await seedLibrary(handle.db, o.photos, o.log).finally(() => handle.close());
  // Every row gets its own real (tiny) JPEG in the blob store: the agent downloads each, as a new device would.
  const tiny = fs.readFileSync(path.join(CORPUS, 'cameras', 'nikon-e775-8x8.jpg'));
  const db = new Database(path.join(o.dataDir, 'shoebox.db'));
  const ids = db.prepare('SELECT id FROM photos').pluck().all() as string[];
  const setPhoto = db.prepare("UPDATE photos SET sha256 = ?, size = ?, mime = 'image/jpeg' WHERE id = ?");
  const addBlob = db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const id of ids) {
      const bytes = Buffer.concat([tiny, randomBytes(16)]);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const file = path.join(o.dataDir, 'blobs', 'originals', sha.slice(0, 2), sha);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      addBlob.run(sha, bytes.length, Date.now());
      setPhoto.run(sha, bytes.length, id);
    }
    db.exec('DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM photos)');
  })();
  db.close();
  const server = await startServer({ dataDir: o.dataDir });
  try {
    const home = path.join(o.dataDir, 'agent-home');
    const dir = path.join(o.dataDir, 'agent-folder');
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(dir, { recursive: true });
    const device = {
      installationId: 'bench',
      server: server.url,
      token: seeded.token,
      accountId: seeded.accountId,
    };
    fs.writeFileSync(path.join(home, 'device.json'), JSON.stringify(device));
    const started = performance.now();
    const profileDir = process.env['BENCH_AGENT_CPU_PROF'];
    const child = spawn(
      process.execPath,
      [
        // BENCH_AGENT_CPU_PROF=DIR: a V8 CPU profile of the agent, for finding where its time goes.
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'shoebox.js'),
        '--server',
        server.url,
        '--home',
        home,
      ].concat(['sync', dir, '--once', '--json']),
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } },
    );
    let peak = 0;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const pid = child.pid as number;
    let cpu = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
      cpu = Math.max(cpu, cpuOf(pid));
    }, 20);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(timer);
    if (code !== 0) throw new Error(`agent exited ${code}: ${stderr}`);
    return {
      photos: o.photos,
      seconds: (performance.now() - started) / 1000,
      agentPeakRssBytes: peak,
      agentCpuSeconds: cpu,
    } satisfies AgentSnapshotResult;
  } finally {
    await server.stop();
  }
}

/** User + system CPU seconds of a live process (0 once it is gone). */
function cpuOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
