import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { PASSWORD } from '../../../server/test/support/api.ts';
import { REPO_ROOT } from '../../../server/test/support/corpus.ts';

export { PASSWORD, REPO_ROOT };
export const BIN = path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'shoebox.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the CLI's stdin, which is then closed (stdin is always closed, so nothing can wait on it). */
  stdin?: string;
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** A scratch folder removed by cleanUp(); also the HOME of every CLI run, so ~/.shoebox is never touched. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-cli-test-'));
export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(scratch, `${name}-`));
}
export function cleanUp(): void {
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** The environment of a CLI run: the test's own, minus any SHOEBOX_* the developer happens to have set. */
export function cliEnv(extra: RunOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: scratch };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SHOEBOX_') && k !== 'HOME') env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * At most this many CLI processes at once. Tests start independent commands together, but each process spends
 * most of its ~1 s compiling on load; dozens at once on a small machine only make every one of them slow.
 */
const MAX_PROCESSES = 4;
let running = 0;
const queue: (() => void)[] = [];

/** Runs the real `shoebox` bin as a child process; never rejects, so failures can be asserted. */
export async function shoebox(args: string[], options: RunOptions = {}): Promise<Run> {
  // A finished run hands its slot straight to the next waiting one, so the limit holds exactly.
  if (running < MAX_PROCESSES) running++;
  else await new Promise<void>((resolve) => queue.push(resolve));
  try {
    return await spawnCli(args, options);
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

function spawnCli(args: string[], options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Generous: on a busy machine a process can take long to start, but one that hangs must not hang the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    const t0 = Date.now();
    child.on('close', (code) => {
      // CLI_TIMING=1 shows what each run cost, to tell a slow command from a busy machine.
      if (process.env['CLI_TIMING']) console.error(`${Date.now() - t0} ms: shoebox ${args.join(' ')}`);
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading stdin (a usage error) closes the pipe; that is not a test failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** A successful run: exit 0 and a silent stderr (no progress bar or notes off a terminal). */
export function ok(run: Run): string {
  expect(run, describe(run)).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

/** A successful --json run: stdout must be exactly one JSON document. */
export function okJson<T = Record<string, unknown>>(run: Run): T {
  return JSON.parse(ok(run)) as T;
}

/**
 * A failed run in the CLI's one failure format: non-zero exit, nothing on stdout, exactly one line on stderr
 * that starts with `shoebox: `. Returns that line's message.
 */
export function failed(run: Run, exitCode?: number): string {
  expect(run.code, describe(run)).not.toBe(0);
  if (exitCode !== undefined) expect(run.code, describe(run)).toBe(exitCode);
  expect(run.stdout, describe(run)).toBe('');
  return oneFailureLine(run);
}

/** The single `shoebox: …` stderr line of a run (also for upload, whose report is on stdout). */
export function oneFailureLine(run: Run): string {
  expect(run.stderr, describe(run)).toMatch(/^shoebox: [^\n]+\n$/);
  return run.stderr.slice('shoebox: '.length, -1);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describe(run: Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** One device: its own --home folder, talking to one server. Several side by side are several devices. */
export class Device {
  readonly home: string;
  constructor(
    readonly server: string,
    name: string,
  ) {
    this.home = tempDir(name);
  }

  run(args: string[], options: RunOptions = {}): Promise<Run> {
    return shoebox(['--server', this.server, '--home', this.home, ...args], options);
  }

  /** Runs with --json and expects success. */
  async json<T = Record<string, unknown>>(args: string[], options: RunOptions = {}): Promise<T> {
    return okJson<T>(await this.run([...args, '--json'], options));
  }

  login(email: string, extra: string[] = [], options: RunOptions = {}) {
    return this.json<LoginJson>(['login', '--email', email, '--password-stdin', ...extra], {
      stdin: `${PASSWORD}\n`,
      ...options,
    });
  }
}

export interface LoginJson {
  status: string;
  deviceId: string;
  server: string;
  account: { id: string; email: string; role: string };
  device: { id: string; name: string; model: string | null; serial: string | null; status: string };
}

/** Creates an account through the CLI (the first one on a server becomes the admin). */
export function createAccount(device: Device, email: string, extra: string[] = []) {
  return device.json<{ id: string; email: string; role: string }>(
    ['account', 'create', '--email', email, '--password-stdin', ...extra],
    { stdin: `${PASSWORD}\n` },
  );
}
