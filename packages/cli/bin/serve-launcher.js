// `shoebox serve` needs a few process settings that only take effect when a process starts: glibc reads its
// malloc tunables from the environment before any code runs, V8 sizes its heap from its flags, and libuv sizes
// its thread pool on first use. When they are not set, serve runs itself again, once, with them. This is plain
// JavaScript loaded before the TypeScript loader, so the launcher that stays behind is a bare Node process
// (~6 MB of its own memory) rather than one holding the CLI and tsx (~60 MB).
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';

/** Set in the re-executed server's environment: it never re-executes, and ends when its launcher dies. */
export const SERVE_CHILD_MARK = 'SHOEBOX_SERVE_CHILD';
/** `off`: run with the environment as given, whatever is missing (e.g. to measure glibc's and V8's defaults). */
export const RUNTIME_SWITCH = 'SHOEBOX_RUNTIME_DEFAULTS';

const SEMI_SPACE_FLAG = '--max-semi-space-size';
/** V8's young generation in MB: the server's own work is mostly native (libvips, SQLite), so 2 costs no CPU. */
const SEMI_SPACE_MB = 2;
/** Options of the `shoebox` program itself that take a value, so that the value is not taken for the command. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--server', '--home']);

/**
 * What the server runs with unless the user set them. Peak memory of the ingest bench (293 photos): 457 MB with
 * glibc's and V8's defaults, 396 MB with the memory settings (docs/benchmarks.md).
 * @param {number} [cores]
 * @returns {Record<string, string>}
 */
export function runtimeDefaults(cores = os.availableParallelism()) {
  return {
    // Without it each libvips thread keeps its own malloc arena: ~170 MB more at the ingest peak.
    MALLOC_ARENA_MAX: '2',
    // A fixed threshold gives every block of 128 KiB or more (image buffers) its own mapping, returned to the
    // system when freed; glibc's default raises the threshold as such blocks are freed, after which they stay.
    MALLOC_MMAP_THRESHOLD_: '131072',
    // libvips pipelines and every file operation (upload writes, fsyncs, renames) share libuv's pool, 4 threads
    // by default: a few fsyncs in flight would leave the decoders queued behind them with idle cores.
    UV_THREADPOOL_SIZE: String(Math.max(16, cores * 4)),
  };
}

/**
 * The environment to re-execute the server with, or null when it should run as it is: it already is the
 * re-executed server, the user switched this off, or everything is set. A value the user set always wins (even
 * an empty one); only what is missing is added.
 * @param {NodeJS.ProcessEnv} env
 * @param {readonly string[]} execArgv
 * @param {number} [cores]
 * @returns {Record<string, string> | null}
 */
export function serverEnvironment(env, execArgv, cores = os.availableParallelism()) {
  if (env[SERVE_CHILD_MARK] || env[RUNTIME_SWITCH] === 'off') return null;
  /** @type {Record<string, string>} */
  const added = {};
  for (const [key, value] of Object.entries(runtimeDefaults(cores))) {
    if (env[key] === undefined) added[key] = value;
  }
  const nodeOptions = env['NODE_OPTIONS'] ?? '';
  const flags = [...execArgv, ...nodeOptions.split(/\s+/)];
  const semiSpace = flags.some((arg) => /^--max[-_]semi[-_]space[-_]size\b/.test(arg));
  if (!semiSpace) added['NODE_OPTIONS'] = `${nodeOptions} ${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`.trim();
  if (Object.keys(added).length === 0) return null;
  /** @type {Record<string, string>} */
  const out = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return { ...out, ...added, [SERVE_CHILD_MARK]: '1' };
}

/**
 * The command named on a `shoebox` command line (the first word that is not an option or an option's value).
 * @param {readonly string[]} args the arguments after the script
 * @returns {string | undefined}
 */
export function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = /** @type {string} */ (args[i]);
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** @type {NodeJS.Signals[]} */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs this same command again as a child with `env`, passes signals on, and ends as the child ended (same code,
 * or same signal). The child's fd 3 is a pipe from this process: if this process is killed outright, the pipe
 * closes and the child ends too (`watchLauncher`), so no server outlives its
 * launcher and keeps its port and database.
 * @param {Record<string, string>} env
 * @returns {Promise<never>}
 */
export function reexecute(env) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
  });
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => void child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise(() => {
    child.once('error', (err) => {
      process.stderr.write(`shoebox: cannot start the server process: ${err.message}\n`);
      process.exit(1);
    });
    child.once('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      if (signal) process.kill(process.pid, signal);
      process.exit(code ?? 1);
    });
  });
}

/**
 * For `shoebox serve` without its runtime settings: re-executes with them and never returns. Otherwise returns
 * at once.
 * @param {readonly string[]} args the arguments after the script
 * @returns {Promise<void>}
 */
export async function launchServe(args) {
  if (commandOf(args) !== 'serve' || args.includes('--help') || args.includes('-h')) return;
  if (watchLauncher(process.env)) return;
  const env = serverEnvironment(process.env, process.execArgv);
  if (env) await reexecute(env);
}

/**
 * In the re-executed server: end at once when the launcher is gone (its end of fd 3 closed without it having
 * waited for this process, i.e. it was killed outright), as the server would have ended had it not been
 * re-executed. Forgets the mark, so that processes the server starts are not taken for servers.
 * @param {NodeJS.ProcessEnv} env
 * @returns {boolean} whether this is the re-executed server
 */
export function watchLauncher(env) {
  if (!env[SERVE_CHILD_MARK]) return false;
  delete env[SERVE_CHILD_MARK];
  let lifeline;
  try {
    lifeline = new net.Socket({ fd: 3, readable: true, writable: false });
  } catch {
    return true; // started by hand with the mark set: there is no launcher to watch
  }
  lifeline.on('error', () => undefined);
  lifeline.on('close', () => process.kill(process.pid, 'SIGKILL'));
  lifeline.resume();
  lifeline.unref();
  return true;
}
