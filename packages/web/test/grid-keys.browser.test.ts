/**
 * The timeline of a library of several years in Chromium (rows seeded straight into the test server's database):
 * End and Home move keyboard focus to the last and first photo however far the grid has to scroll, and the year rail
 * stays clear of the selection bar while photos are selected.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLibrary } from '../../../bench/lib/seed.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, SHOTS } from './support/browser.ts';

const PHOTOS = 2_000;

/** The index of the focused photo, or what has focus instead. */
function focusedPhoto(page: Page): Promise<number | string> {
  return page.evaluate<number | string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.classList.contains('cell__open') ? Number(el.getAttribute('data-index')) : el.tagName;
  })()`);
}

describe('the timeline grid of a large library', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    token = (await seedLibrary(server.database.db, PHOTOS, () => undefined)).token;
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
    // The seeded rows have no files behind them: every thumbnail is the same small JPEG.
    const thumb = fs.readFileSync(corpusFile('cameras/nikon-d3100-gps.jpg'));
    await page.route(
      (url) => url.pathname.endsWith('/thumbnail'),
      (route) => route.fulfill({ body: thumb, contentType: 'image/jpeg' }),
    );
    await page.goto(server.url);
    await page.getByText('2,000 photos').waitFor({ timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('moves focus to the last photo with End and back to the first with Home', async () => {
    await page.locator('.cell__open[data-index="0"]').focus();
    expect(await focusedPhoto(page)).toBe(0);

    await page.keyboard.press('End');
    await expect.poll(() => focusedPhoto(page)).toBe(PHOTOS - 1);
    await page.screenshot({ path: path.join(SHOTS, 'grid-end.png') });
    // Arrows go on from there.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focusedPhoto(page)).toBe(PHOTOS - 2);

    await page.keyboard.press('Home');
    await expect.poll(() => focusedPhoto(page)).toBe(0);
    expect(await page.evaluate<number>("document.querySelector('.grid__scroller').scrollTop")).toBeLessThan(
      200,
    );
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focusedPhoto(page)).toBe(1);

    // Space selects the focused photo after a long jump too.
    await page.keyboard.press('End');
    await expect.poll(() => focusedPhoto(page)).toBe(PHOTOS - 1);
    await page.keyboard.press(' ');
    await page.getByRole('toolbar').getByText('1 selected').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('toolbar').waitFor({ state: 'detached' });
  });

  it('keeps every year of the rail clear of the selection bar while photos are selected', async () => {
    const years = page.getByRole('navigation', { name: 'Jump to year' });
    await years.getByRole('button').first().waitFor();
    const newest = (await years.getByRole('button').first().innerText()).trim();
    await page.evaluate("document.querySelector('.grid__scroller').scrollTo({ top: 0 })");
    await page.locator('.cell').first().getByRole('button', { name: 'Select photo' }).click();
    const bar = page.getByRole('toolbar');
    await bar.getByText('1 selected').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'grid-selected-rail.png') });

    const report = await page.evaluate<{
      barBottom: number;
      gridBottom: number;
      years: [string, number, number, boolean][];
    }>(`(() => {
      const bar = document.querySelector('.selection-bar').getBoundingClientRect();
      const grid = document.querySelector('.grid').getBoundingClientRect();
      const years = [...document.querySelectorAll('.scrubber__year')].map((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return [el.textContent, r.top, r.bottom, hit === el];
      });
      return { barBottom: bar.bottom, gridBottom: grid.bottom, years };
    })()`);
    // The seeded photos span two calendar years (about 50 minutes apart each).
    expect(report.years.length).toBeGreaterThanOrEqual(2);
    expect(report.years[0]?.[0]).toBe(newest);
    for (const [year, top, bottom, reachable] of report.years) {
      expect(top, `${year} below the selection bar`).toBeGreaterThanOrEqual(report.barBottom);
      expect(bottom, `${year} inside the grid`).toBeLessThanOrEqual(report.gridBottom);
      expect(reachable, `${year} can be clicked`).toBe(true);
    }
    // The newest year still jumps to the top.
    await page.evaluate("document.querySelector('.grid__scroller').scrollTo({ top: 5000 })");
    await years.getByRole('button', { name: newest }).click();
    await expect
      .poll(() => page.evaluate<number>("document.querySelector('.grid__scroller').scrollTop"))
      .toBeLessThan(200);
  });
});
