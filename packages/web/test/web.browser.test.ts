/**
 * The web app in a real browser against a real server: Debian's Chromium driven by playwright-core, the built app
 * served by `startTestServer('sqlite')`. Screenshots of every main page land in test-artifacts/screenshots/.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, SHOTS, WEB } from './support/browser.ts';

const DIST_INDEX = path.join(WEB, 'dist', 'index.html');
const require = createRequire(import.meta.url);

const EMAIL = 'ada@example.com';
const PASSWORD = 'tremble-orchard-velvet-42';
const PHONE = { width: 390, height: 844 };

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function axe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate<AxeViolation[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      })),
    )
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let fades and thumbnails settle so the picture shows what a person sees.
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Screenshot plus an accessibility check of the page as it is now. */
async function checkPage(page: Page, name: string): Promise<void> {
  await shoot(page, name);
  expect(await axe(page), `axe: serious/critical violations on ${name}`).toEqual([]);
}

describe('web app in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    desktop = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'Europe/London' });
    page = await desktop.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('keeps the initial JavaScript under 250 KB gzipped', () => {
    const html = fs.readFileSync(DIST_INDEX, 'utf8');
    // What the browser loads before the first paint: the entry script and whatever it preloads.
    const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = initial
      .map((asset) => zlib.gzipSync(fs.readFileSync(path.join(WEB, 'dist', asset))).length)
      .reduce((a, b) => a + b, 0);
    console.log(`initial JS: ${initial.join(', ')} = ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(250 * 1024);
  });

  it('creates the admin account on first run', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Welcome to Shoebox' }).waitFor();
    await checkPage(page, 'first-run');

    await page.getByLabel('Your name').fill('Ada');
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator account' }).click();

    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await checkPage(page, 'timeline-empty');
  }, 60_000);

  it('uploads from the file picker, shows the photo, and explains a failed file', async () => {
    const files = [
      'phones/apple-iphone11-IMG_5813.JPG',
      'phones/google-pixel5-PXL_20210518_214224624.jpg',
      'phones/xiaomi-mi9t.jpg',
      'cameras/canon-eos7d.jpg',
      'cameras/sony-dsc-hx5v-gps.jpg',
      'cameras/olympus-pen-e-p3.jpg',
      'cameras/nikon-d5000.jpg',
      'orientation/landscape_6.jpg',
      'malformed/plain-text.jpg',
    ].map(corpusFile);

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await (await chooser).setFiles(files);

    await page.getByRole('heading', { name: 'Uploads finished' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.upload--done').count()).toBe(files.length - 1);
    // The failure carries the server's reason, not a bare "failed".
    const reason = await page.locator('.upload--failed .upload__reason').innerText();
    expect(reason.length).toBeGreaterThan(10);
    expect(reason).not.toMatch(/^HTTP \d+$/);

    await page.getByText(`${files.length - 1} photos`).waitFor();
    // The grid is virtualized: only photos near the viewport are in the DOM, and each shows its thumbnail.
    await page.locator('img.thumb[data-loaded="true"]').first().waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('.cell img.thumb:not([data-loaded])').count(), { timeout: 30_000 })
      .toBe(0);
    await checkPage(page, 'timeline-uploading');
    await page.getByRole('button', { name: 'Close' }).click();
    await shoot(page, 'timeline');
  }, 60_000);

  it('opens the viewer with provenance naming the uploading device', async () => {
    const iphone = page.getByRole('button', { name: /18 May 2021.*14:41/ });
    await iphone.click();
    const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
    await viewer.waitFor();
    const provenance = viewer.getByTestId('provenance');
    await expect.poll(() => provenance.innerText()).toContain('Uploaded from Chrome on Linux');
    await expect.poll(() => viewer.innerText()).toContain('Apple iPhone 11');
    await page.locator('.viewer__image').first().waitFor();
    await page.waitForFunction(`document.querySelector('.viewer__image')?.complete === true`);
    await checkPage(page, 'viewer');

    // Keyboard: → moves on, ← comes back, Esc closes.
    const url = page.url();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.url()).not.toBe(url);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.url()).toBe(url);
    await page.keyboard.press('+');
    await page.getByRole('button', { name: 'Fit to screen' }).isEnabled();
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  }, 60_000);

  it('adds photos to a new album and trashes and restores one', async () => {
    const cells = page.locator('.cell');
    await cells.nth(0).hover();
    await cells.nth(0).getByRole('button', { name: 'Select photo' }).click();
    await cells.nth(1).getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('toolbar').getByText('2 selected').waitFor();
    await shoot(page, 'timeline-selection');

    await page.getByRole('button', { name: 'Add to album' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add 2 to an album' });
    await dialog.getByLabel('Album name').fill('Summer');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Added to “Summer”').waitFor();

    await page.getByRole('link', { name: 'Albums' }).first().click();
    await page.getByRole('link', { name: /Summer/ }).waitFor();
    await page.locator('.album-card__cover img').first().waitFor();
    await checkPage(page, 'albums');
    await page.getByRole('link', { name: /Summer/ }).click();
    await page.getByRole('heading', { name: 'Summer' }).waitFor();
    await expect.poll(() => page.locator('.cell').count()).toBe(2);
    await checkPage(page, 'album');

    await page.getByRole('link', { name: 'Photos' }).first().click();
    await cells.nth(0).getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText('Moved 1 photo to the trash').waitFor();
    await page.getByRole('link', { name: 'Trash' }).first().click();
    await page.getByText('30 days left').waitFor();
    await checkPage(page, 'trash');
    await page.locator('.cell').first().getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
  }, 60_000);

  it('lists devices', async () => {
    await page.getByRole('link', { name: 'Devices' }).first().click();
    await page.getByText('This browser').waitFor();
    await expect.poll(() => page.locator('.device').first().innerText()).toContain('Chrome on Linux');
    await checkPage(page, 'devices');
  }, 60_000);

  it('lets a second browser in only after a trusted device allows it', async () => {
    const other = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    try {
      const second = await other.newPage();
      await second.goto(server.url);
      await second.getByRole('heading', { name: 'Sign in' }).waitFor();
      await checkPage(second, 'sign-in');
      await second.getByLabel('E-mail').fill(EMAIL);
      await second.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await second.getByRole('button', { name: 'Sign in', exact: true }).click();
      await second.getByRole('heading', { name: 'Approve this browser' }).waitFor();
      await second.getByText(/this browser is a new device/i).waitFor();
      await checkPage(second, 'pending-device');

      // The trusted desktop is told, and its Devices page lets the new browser in with a 6-digit code.
      // The prompt arrives live (the socket), with the device, place, IP and time.
      await page.getByRole('link', { name: 'Photos' }).first().click();
      const banner = page.getByRole('alert', { name: 'New device approval' });
      await banner.getByText(/wants to sign in to your account/).waitFor();
      await shoot(page, 'approval-banner');
      await page.getByRole('link', { name: 'Devices' }).first().click();
      await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
      await checkPage(page, 'devices-request');
      await page.getByRole('button', { name: 'Allow' }).click();
      const code = (await page.getByTestId('approval-code').innerText()).replace(/\D/g, '');
      expect(code).toMatch(/^\d{6}$/);
      await shoot(page, 'approval-code');
      await page.getByRole('button', { name: 'Done' }).click();

      // Still waiting until the code is typed; then the library opens by itself.
      expect(await second.getByRole('heading', { name: 'Approve this browser' }).isVisible()).toBe(true);
      await second.getByText('A trusted device allowed this browser').waitFor();
      await second.getByLabel('Enter the code shown on your trusted device').fill(code);
      await second.getByRole('button', { name: 'Verify code' }).click();
      await second.getByRole('heading', { name: 'Photos', exact: true }).waitFor();
      await second.getByText('8 photos').waitFor();
    } finally {
      await other.close();
    }
  }, 60_000);

  it('switches to Simplified Chinese', async () => {
    await page.getByRole('link', { name: 'Photos' }).first().click();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '照片', exact: true }).waitFor();
    await page.getByRole('link', { name: '相册' }).first().waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await checkPage(page, 'timeline-zh-CN');
    await page.getByRole('link', { name: '设备' }).first().click();
    await page.getByText('当前浏览器').waitFor();
    await shoot(page, 'devices-zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('link', { name: 'Photos' }).first().waitFor();
  }, 60_000);

  it('follows a Chinese browser language and works on a phone', async () => {
    const phone = await browser.newContext({
      viewport: PHONE,
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(server.url);
      await mobile.getByRole('heading', { name: '登录' }).waitFor();
      await checkPage(mobile, 'phone-sign-in-zh-CN');
      // A phone-sized window of the trusted desktop browser: same session, so the library opens.
      const token = await page.evaluate<string>(`localStorage.getItem('shoebox.token')`);
      await mobile.evaluate(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
      await mobile.evaluate(`localStorage.setItem('shoebox.locale', 'en')`);
      await mobile.reload();
      await mobile.locator('img.thumb[data-loaded="true"]').first().waitFor({ timeout: 20_000 });
      await checkPage(mobile, 'phone-timeline');
      await mobile.locator('.cell__open').first().click();
      await mobile.getByRole('dialog', { name: 'Photo viewer' }).waitFor();
      await mobile.getByRole('button', { name: 'Details' }).click();
      await mobile.getByTestId('provenance').waitFor();
      await shoot(mobile, 'phone-viewer');
    } finally {
      await phone.close();
    }
  }, 60_000);
  // The 100,000-photo performance check lives in timeline.browser.test.ts, on rows seeded into the database.
});
