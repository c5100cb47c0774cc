/**
 * Firefox (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi, Firefox's own remote protocol: no
 * patched build and nothing downloaded. Each window is its own BiDi user context (separate cookies and storage).
 */
import fs from 'node:fs';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import type { Engine, Key, NativeWindow, Viewport } from './session.ts';

export const FIREFOX = '/usr/bin/firefox-esr';

async function element(page: Page, css: string): Promise<ElementHandle> {
  const handle = await page.$(css);
  if (!handle) throw new Error(`[firefox] ${css} vanished before it could be used`);
  return handle;
}

/**
 * Only one window is in front; native input to one behind it waits seconds on its throttled frames (a click took
 * up to 8 s with a second window open), so a window is brought forward before it is acted on.
 */
function firefoxWindow(page: Page, front: { page?: Page }, close: () => Promise<void>): NativeWindow {
  const activate = async () => {
    if (front.page === page) return;
    await page.bringToFront();
    front.page = page;
  };
  return {
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async reload() {
      await page.reload({ waitUntil: 'load' });
    },
    evaluate: (expression) => page.evaluate(expression),
    async click(css) {
      await activate();
      await (await element(page, css)).click();
    },
    async type(css, text) {
      await activate();
      const handle = await element(page, css);
      await handle.evaluate((el) => {
        (el as unknown as { select(): void }).select();
      });
      await handle.type(text);
    },
    async setFiles(css, files) {
      await (await element(page, css)).uploadFile(...files);
    },
    async selectOption(css, value) {
      await page.select(css, value);
    },
    async press(key: Key) {
      await activate();
      await page.keyboard.press(key);
    },
    async screenshot() {
      return Buffer.from(await page.screenshot({ type: 'png' }));
    },
    async resize(size: Viewport) {
      await page.setViewport(size);
      return page.evaluate<[], () => Viewport>(() => ({
        width: (globalThis as unknown as { innerWidth: number }).innerWidth,
        height: (globalThis as unknown as { innerHeight: number }).innerHeight,
      }));
    },
    close,
  };
}

export async function launchFirefox(): Promise<Engine> {
  if (!fs.existsSync(FIREFOX)) {
    throw new Error(`Firefox is missing at ${FIREFOX}. Run \`bash scripts/ensure-browsers.sh\`.`);
  }
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      env: { ...process.env, TZ: 'Europe/London' },
      extraPrefsFirefox: {
        'intl.accept_languages': 'en-GB',
        'intl.locale.requested': 'en-GB',
        // Keep the test offline: no update checks, telemetry or remote settings.
        'app.update.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'browser.safebrowsing.update.enabled': false,
      },
    });
  } catch (error) {
    throw new Error(
      `[firefox] ${FIREFOX} did not start under puppeteer-core (WebDriver BiDi): ${String(error)}`,
    );
  }
  const front: { page?: Page } = {};
  return {
    name: 'firefox',
    async newWindow(viewport) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(viewport);
      front.page = page; // a new window opens in front
      return firefoxWindow(page, front, () => context.close());
    },
    close: () => browser.close(),
  };
}
