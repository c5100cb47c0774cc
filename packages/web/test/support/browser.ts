/** What the browser tests share: a build of the app that matches the sources, and Debian's Chromium. */
import { execFileSync } from 'node:child_process';
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

/**
 * Builds the app with Vite unless dist/ was built from exactly the current sources (scripts/build-web.mjs, which the
 * postinstall runs too, so both write the same stamp). That script takes a lock and moves finished files into dist/
 * atomically: test files in parallel workers call this at once while other files' servers are reading dist/.
 */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-web.mjs')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
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
