import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { sleep } from './pool.ts';

export interface ServerOptions {
  dataDir: string;
  /** `--media-workers`; the server's default (one per core) when undefined. */
  mediaWorkers?: number;
  /** `--database`; SQLite in the data folder when undefined. */
  database?: string;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  cpuProfDir?: string;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
}

export interface ServerProcess {
  readonly url: string;
  /** The server process: the re-executed child of `launcherPid`, or the process started when none was needed. */
  readonly pid: number;
  readonly launcherPid: number;
  /** Resident set of the launcher in bytes now (0 when there is none). */
  launcherRss(): number;
  /** Peak resident set size in bytes so far: the kernel's VmHWM, or the 100 ms samples if higher. */
  peakRss(): number;
  /** User + system CPU time the server process (all its threads) has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts `shoebox serve` as its own process, exactly as a user would, and waits until it answers. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'shoebox.js'),
    'serve',
    ...['--data', options.dataDir, '--port', String(port), '--log-level', 'warn'],
    ...(options.mediaWorkers === undefined ? [] : ['--media-workers', String(options.mediaWorkers)]),
    ...(options.database ? ['--database', options.database] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, () => output);
  // `shoebox serve` re-executes itself with its runtime settings unless they are all given: the server is then
  // the launcher's child, and the launcher (a bare Node process waiting for it) is measured apart.
  const launcherPid = child.pid as number;
  const pid = serverPidOf(launcherPid);
  let sampledPeak = 0;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, readStatusKiB(pid, 'VmRSS'))), 100);
  sampler.unref();
  let hwm = 0;
  let cpuSeen = 0;
  const peakRss = () => {
    hwm = Math.max(hwm, readStatusKiB(pid, 'VmHWM'));
    return Math.max(hwm, sampledPeak) * 1024;
  };
  return {
    url,
    pid,
    launcherPid,
    launcherRss: () => (pid === launcherPid ? 0 : readStatusKiB(launcherPid, 'VmRSS') * 1024),
    peakRss,
    // The last reading stays once the process is gone (a killed instance keeps the CPU it used).
    cpuSeconds: () => (cpuSeen = Math.max(cpuSeen, readCpuSeconds(pid))),
    async stop() {
      peakRss();
      clearInterval(sampler);
      await stopChild(child);
      if (child.exitCode && child.exitCode !== 0)
        process.stderr.write(`server exited with ${child.exitCode}\n`);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer within 60 s:\n${output()}`);
}

/** The only child of `pid` when it has one (the re-executed server), else `pid` itself. */
function serverPidOf(pid: number): number {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    return children.length === 1 && children[0] ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}

/** A `Vm*` line of /proc/<pid>/status in KiB; 0 once the process is gone. */
function readStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function readCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
