import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanUp, cliEnv, tempDir } from './support/cli.ts';

// `shoebox serve` re-executes itself with its memory and thread-pool settings (bin/serve-launcher.js): these
// read the environment the kernel started the server process with, which is what glibc, V8 and libuv read.
const SETTINGS = ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'UV_THREADPOOL_SIZE', 'NODE_OPTIONS'];

interface Served {
  launcher: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function serve(env: Record<string, string | undefined>): Promise<Served> {
  const unset = Object.fromEntries(SETTINGS.map((k) => [k, undefined]));
  const launcher = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--data', tempDir('runtime'), '--log-level', 'silent'],
    { env: cliEnv({ ...unset, ...env }), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    launcher.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const match = /Shoebox is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { launcher, url, exited };
}

function childrenOf(pid: number): number[] {
  const list = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return list ? list.split(/\s+/).map(Number) : [];
}

function environmentOf(pid: number): Record<string, string> {
  const pairs = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

describe.runIf(process.platform === 'linux')('shoebox serve runtime settings', { timeout: 180_000 }, () => {
  afterAll(cleanUp);

  it('serves from a process started with the memory and thread-pool settings, keeping a value the user set', async () => {
    const served = await serve({ MALLOC_ARENA_MAX: '4', NODE_OPTIONS: '--enable-source-maps' });
    try {
      const [server, ...others] = childrenOf(served.launcher.pid as number);
      expect(others).toEqual([]);
      const env = environmentOf(server as number);
      expect(env['MALLOC_ARENA_MAX']).toBe('4');
      expect(env['MALLOC_MMAP_THRESHOLD_']).toBe('131072');
      expect(Number(env['UV_THREADPOOL_SIZE'])).toBeGreaterThanOrEqual(16);
      expect(env['NODE_OPTIONS']).toBe('--enable-source-maps --max-semi-space-size=2');
      // The launcher itself stays a bare Node process: the server and the CLI's TypeScript are in the child.
      const launcherStatus = fs.readFileSync(`/proc/${served.launcher.pid}/status`, 'utf8');
      expect(Number(/RssAnon:\s+(\d+) kB/.exec(launcherStatus)?.[1])).toBeLessThan(30 * 1024);
      expect(await answers(served.url)).toBe(true);
    } finally {
      served.launcher.kill('SIGTERM');
    }
    expect(await served.exited).toBe(0);
  });

  it('runs in place, without a launcher, when every setting is given', async () => {
    const served = await serve({
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      UV_THREADPOOL_SIZE: '16',
      NODE_OPTIONS: '--max-semi-space-size=2',
    });
    try {
      expect(childrenOf(served.launcher.pid as number)).toEqual([]);
      expect(await answers(served.url)).toBe(true);
    } finally {
      served.launcher.kill('SIGTERM');
    }
    expect(await served.exited).toBe(0);
  });

  it('takes the server down with its launcher when the launcher is killed outright', async () => {
    const served = await serve({});
    const [server] = childrenOf(served.launcher.pid as number);
    expect(server).toBeGreaterThan(0);
    served.launcher.kill('SIGKILL');
    await served.exited;
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(`/proc/${server}/status`) && Date.now() < deadline) {
      // A zombie until its new parent reaps it: gone as far as serving goes.
      if (/State:\s+Z/.test(fs.readFileSync(`/proc/${server}/status`, 'utf8'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await answers(served.url)).toBe(false);
  });
});
