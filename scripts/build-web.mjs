// Builds packages/web/dist from its sources unless it was already built from exactly these sources, and stamps it
// (dist/.source-hash). Run by the root postinstall and by the browser tests (packages/web/test/support/browser.ts).
//
// Safe to run from many processes at once while servers read dist/: one build at a time (a lock directory), the build
// goes to a temporary directory, and its files are moved into dist/ one atomic rename each, index.html last, so a
// reader always sees a whole file, old or new, never a missing or half-written one. (Vite's own `emptyOutDir` deletes
// dist/ first, stamp included: concurrent test files each rebuilt, and servers answered index.html for missing chunks.)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB = path.join(ROOT, 'packages', 'web');
const DIST = path.join(WEB, 'dist');
const STAMP = path.join(DIST, '.source-hash');
const WORK = path.join(ROOT, 'node_modules', '.cache', 'shoebox-web-build');
const LOCK = path.join(WORK, 'lock');
/** A lock older than this is a crashed build's, whatever its pid says. */
const STALE_MS = 10 * 60_000;
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', '../shared/src'];

function filesUnder(target) {
  if (!fs.existsSync(target)) return [];
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .sort()
    .flatMap((name) => filesUnder(path.join(target, name)));
}

/** SHA-256 over every input file's path and bytes; the shared package is bundled into the app, so it counts. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => filesUnder(path.join(WEB, p)))) {
    hash.update(path.relative(WEB, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const upToDate = (digest) =>
  fs.existsSync(path.join(DIST, 'index.html')) &&
  fs.existsSync(STAMP) &&
  fs.readFileSync(STAMP, 'utf8') === digest;

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Takes the lock directory (mkdir is atomic), taking over one left by a dead or long-gone process. */
function lock() {
  fs.mkdirSync(WORK, { recursive: true });
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let pid = NaN;
    let age = 0;
    try {
      pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
      age = Date.now() - fs.statSync(LOCK).mtimeMs;
    } catch {
      // Just released, or its owner has not written its pid yet: look again shortly.
    }
    if ((Number.isInteger(pid) && pid > 0 && !alive(pid)) || age > STALE_MS) {
      // Renaming first so that two waiters cannot both remove it and both go on.
      const gone = `${LOCK}.stale-${process.pid}`;
      try {
        fs.renameSync(LOCK, gone);
        fs.rmSync(gone, { recursive: true, force: true });
      } catch {
        // Someone else took it over.
      }
      continue;
    }
    if (!said) console.error('build-web: waiting for another build of packages/web to finish');
    said = true;
    sleep(200);
  }
}

const unlock = () => fs.rmSync(LOCK, { recursive: true, force: true });

/** Moves every file of `from` into `to` by rename (same file system: atomic), index.html last; drops files the new build lacks. */
function install(from, to) {
  const files = filesUnder(from).map((f) => path.relative(from, f));
  const last = (f) => (f === 'index.html' ? 1 : f === '.source-hash' ? 2 : 0);
  files.sort((a, b) => last(a) - last(b));
  const before = filesUnder(to).map((f) => path.relative(to, f));
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.renameSync(path.join(from, rel), path.join(to, rel));
  }
  const kept = new Set(files);
  for (const rel of before) if (!kept.has(rel)) fs.rmSync(path.join(to, rel), { force: true });
}

/** Builds if needed; answers whether it built. */
export function buildWeb() {
  const digest = sourceHash();
  if (upToDate(digest)) return false;
  lock();
  const out = path.join(WORK, `out-${process.pid}`);
  try {
    // Another process may have built these very sources while this one waited.
    if (upToDate(digest)) return false;
    fs.rmSync(out, { recursive: true, force: true });
    const require = createRequire(path.join(WEB, 'package.json'));
    const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    // Vitest sets NODE_ENV=test, which would bundle React's development build.
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], {
      cwd: WEB,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    fs.writeFileSync(path.join(out, '.source-hash'), digest);
    fs.mkdirSync(DIST, { recursive: true });
    install(out, DIST);
    return true;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    unlock();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb();
}
