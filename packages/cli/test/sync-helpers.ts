import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { adminSession, approvedDevice, type SignedIn } from '../../server/test/support/api.ts';
import { BIN, Device, REPO_ROOT, cliEnv, type Run } from './support/cli.ts';

/**
 * Two trusted devices of one account, signed in through the API (approval through the CLI is tested in
 * devices-trust): each process start costs a second or more, and these tests are about syncing. B may reach the
 * server through another address (a test proxy).
 */
export async function trustedPair(server: string, email: string, serverForB = server) {
  const first = await adminSession(server, email);
  const second = await approvedDevice(server, first.client, email);
  // `trusted` is A's API session, for letting further devices in.
  return {
    a: deviceFor(server, 'device-a', first),
    b: deviceFor(serverForB, 'device-b', second),
    trusted: first.client,
  };
}

/** A CLI home holding a session made through the API, as `shoebox login` would have saved it. */
export function deviceFor(server: string, name: string, session: SignedIn): Device {
  const device = new Device(server, name);
  const state = {
    installationId: randomUUID(),
    server,
    token: session.response.token,
    deviceId: session.deviceId,
    accountId: session.account.id,
    email: session.account.email,
  };
  fs.writeFileSync(path.join(device.home, 'device.json'), JSON.stringify(state));
  return device;
}

/** The device's own session, for setting up server-side changes (trash, restore) without another process. */
export function api(device: Device) {
  const { token } = JSON.parse(fs.readFileSync(path.join(device.home, 'device.json'), 'utf8')) as {
    token: string;
  };
  return async <T>(method: string, url: string, body?: Uint8Array, headers: Record<string, string> = {}) => {
    const response = await fetch(`${device.server}/api${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body ? { body } : {}),
    });
    expect(response.ok, `${method} ${url}: ${response.status}`).toBe(true);
    return (await response.json()) as T;
  };
}

export interface SyncJson {
  uploaded: number;
  downloaded: number;
  trashedLocal: number;
  trashedRemote: number;
  restored: number;
  errors: string[];
}

/** `shoebox sync DIR --once --json`; progress goes to stderr, so only the exit code and stdout are checked. */
export async function syncOnce(device: Device, dir: string): Promise<SyncJson> {
  const run = await device.run(['sync', dir, '--once', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as SyncJson;
}

/** Photo files under `dir`, relative, skipping the agent's hidden folders. */
export function listFiles(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

export async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A long-running `shoebox sync DIR` whose stderr can be watched; stop() ends it like a service manager would. */
export function startAgent(
  device: Device,
  dir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
) {
  const child = spawn(
    process.execPath,
    [BIN, '--server', device.server, '--home', device.home, 'sync', dir, '--json', ...extra],
    { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    pid: child.pid,
    stderr: () => stderr,
    waitFor: (text: string, timeoutMs = 30_000) =>
      until(() => stderr.includes(text) || undefined, timeoutMs, `"${text}" from the agent; got: ${stderr}`),
    /** SIGTERM ends it like a service manager; SIGKILL is a crash or a power cut (no chance to tidy up). */
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Run> {
      child.kill(signal);
      return exited;
    },
  };
}
