import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SignInResponse } from '@shoebox/shared';
import { BENCH_PASSWORD, BenchClient } from './api.ts';
import { REPO_ROOT } from './paths.ts';
import { sleep } from './pool.ts';

const BIN = path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'shoebox.js');

export interface ShoeboxDevice {
  client: BenchClient;
  token: string;
  deviceId: string;
  accountId: string;
}

async function signIn(url: string, email: string, name: string): Promise<SignInResponse> {
  const anonymous = new BenchClient(url);
  const device = { installationId: randomUUID(), name, model: 'Bench', os: 'Node' };
  const reply = await anonymous.json<SignInResponse>('POST', '/api/auth/sign-in', {
    email,
    password: BENCH_PASSWORD,
    device,
  });
  anonymous.close();
  return reply;
}

/** An account with two trusted devices: A signs up, B signs in and is let in by A with the 6-digit code. */
export async function devicePair(url: string, email: string): Promise<[ShoeboxDevice, ShoeboxDevice]> {
  await new BenchClient(url).json('POST', '/api/accounts', { email, password: BENCH_PASSWORD });
  const first = await signIn(url, email, 'device-a');
  const a = new BenchClient(url, first.token);
  const second = await signIn(url, email, 'device-b');
  const requests = await a.json<{ items: { id: string; device: { id: string } }[] }>(
    'GET',
    '/api/enrolments',
  );
  const request = requests.items.find((r) => r.device.id === second.device.id);
  if (!request) throw new Error('no enrolment request for device B');
  const { code } = await a.json<{ code: string }>('POST', `/api/enrolments/${request.id}/allow`);
  const b = new BenchClient(url, second.token);
  await b.json('POST', '/api/auth/enrolment/complete', { code });
  const device = (r: SignInResponse, client: BenchClient): ShoeboxDevice => ({
    client,
    token: r.token,
    deviceId: r.device.id,
    accountId: r.account.id,
  });
  return [device(first, a), device(second, b)];
}

/** A CLI home holding the device's session, as `shoebox login` would have saved it. */
export function cliHome(dir: string, url: string, device: ShoeboxDevice, email: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const state = {
    installationId: randomUUID(),
    server: url,
    token: device.token,
    deviceId: device.deviceId,
    accountId: device.accountId,
    email,
  };
  fs.writeFileSync(path.join(dir, 'device.json'), JSON.stringify(state));
  return dir;
}

/** A running `shoebox sync DIR` on default settings; its progress lines are counted. */
export class Agent {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(
    readonly url: string,
    readonly home: string,
    readonly dir: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  start(): void {
    this.stderr = '';
    this.child = spawn(process.execPath, [BIN, '--server', this.url, '--home', this.home, 'sync', this.dir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      // Trace lines time the stages of a propagation (hint, page, upload start).
      env: { ...process.env, HOME: this.home, SHOEBOX_SYNC_TRACE: '1' },
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      // Only the last part is kept (a catch-up prints a line per file), plus the count of uploads.
      this.uploads += (d.match(/^uploaded /gm) ?? []).length;
      const now = performance.now();
      for (const line of d.split('\n')) if (line && this.marks.size < 1000) this.marks.set(line.trim(), now);
      this.stderr = (this.stderr + d).slice(-20_000);
    });
  }

  uploads = 0;
  /** When each progress line arrived (the first 1,000): splits a latency into its A and B halves. */
  readonly marks = new Map<string, number>();

  /** When a line ending in `name` and starting with `verb` arrived. */
  markOf(verb: string, name: string): number | undefined {
    for (const [line, at] of this.marks) if (line.startsWith(verb) && line.endsWith(name)) return at;
    return undefined;
  }

  /** When the first line containing `text` arrived at or after `since`. */
  firstAfter(text: string, since: number): number | undefined {
    let first: number | undefined;
    for (const [line, at] of this.marks)
      if (at >= since && line.includes(text)) first = Math.min(first ?? at, at);
    return first;
  }

  output(): string {
    return this.stderr;
  }

  pid(): number {
    return this.child?.pid ?? 0;
  }

  async waitFor(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stderr.includes(text)) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined)
        throw new Error(`agent exited: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`agent did not say "${text}": ${this.stderr.slice(-2000)}`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Waits until the server has no photo of the account waiting for its thumbnail (as after a night). */
export async function mediaIdle(client: BenchClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pending = 0;
    await client.listAll(
      1000,
      (items) => (pending += items.filter((p) => p.media.state === 'pending').length),
    );
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} photos still waiting for thumbnails`);
    await sleep(2000);
  }
}
