/** What the browser tests share: a build of the app that matches the sources, and Debian's Chromium. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../../server/test/support/corpus.ts';

const CHROMIUM = '/usr/bin/chromium';
export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = path.join(REPO_ROOT, 'test-artifacts', 'screenshots');
export const DESKTOP = { width: 1280, height: 820 };
const require = createRequire(import.meta.url);

function filesUnder(target: string): string[] {
  if (!fs.existsSync(target)) return [];
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .sort()
    .flatMap((name) => filesUnder(path.join(target, name)));
}

/**
 * Builds the app with Vite unless dist/ was built from exactly the current sources. The shared package is bundled
 * into the app too (schemas, the audit-export builder, Merkle code), so its sources are part of the stamp.
 */
export function ensureWebBuilt(): void {
  const hash = createHash('sha256');
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', '../shared/src'];
  for (const file of inputs.flatMap((p) => filesUnder(path.join(WEB, p)))) {
    hash.update(path.relative(WEB, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  const digest = hash.digest('hex');
  const stamp = path.join(WEB, 'dist', '.source-hash');
  const index = path.join(WEB, 'dist', 'index.html');
  if (fs.existsSync(index) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  // Vitest sets NODE_ENV=test, which would bundle React's development build.
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: WEB,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  fs.writeFileSync(stamp, digest);
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Run \`bash scripts/ensure-chromium.sh\`.`);
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Runs axe-core in the page; returns the ids and targets of serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate<string[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')),
    )
  `);
}
