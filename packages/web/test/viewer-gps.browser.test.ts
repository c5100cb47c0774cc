/**
 * The viewer's GPS place in a real browser: the country a photo's GPS point falls in, found offline and named in the
 * reader's language ("Place: Spain", "地点：西班牙"), with the coordinates beside it and a small map; at sea, just the
 * coordinates.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';
// Madrid (40.40007 N, 3.71465 W) per MANIFEST.tsv.
const MADRID = 'phones/google-pixel8pro-8x8.jpg';

/** The same photo with GPSLongitudeRef turned from W to E: 40.4 N 3.7 E, at sea north of Menorca. */
function atSea(): Buffer {
  const bytes = Buffer.from(fs.readFileSync(corpusFile(MADRID)));
  // Tag 0x0003 (GPSLongitudeRef), ASCII, count 2, value "W\0" inline; the file's EXIF is little-endian.
  const ref = Buffer.from('030002000200000057000000', 'hex');
  const at = bytes.indexOf(ref);
  if (at < 0 || bytes.indexOf(ref, at + 1) >= 0) throw new Error('GPSLongitudeRef not found once');
  bytes[at + 8] = 'E'.charCodeAt(0);
  return bytes;
}

describe('viewer GPS place in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: SignedIn;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    admin = await adminSession(server.url, EMAIL);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  async function openViewer(
    locale: string,
    photoId: string,
    name: string,
  ): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: DESKTOP, locale, timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`);
    await page.goto(`${server.url}/?view=${photoId}`);
    await page.getByRole('dialog', { name }).waitFor();
    return { page, close: () => context.close() };
  }

  it('names the country in English with the coordinates beside it and marks it on a map', async () => {
    const photo = await admin.client.uploadOk(corpusFile(MADRID));
    const { page, close } = await openViewer('en-GB', photo.id, 'Photo viewer');
    try {
      const place = page.getByTestId('gps-place');
      await place.waitFor();
      expect(await place.innerText()).toMatch(/^Place: Spain 40\.40007, [-−]3\.71465$/);
      const map = page.getByRole('img', { name: 'Map of where the photo was taken: Spain' });
      await map.waitFor();
      await page.getByTestId('world-map').waitFor();
      expect(await page.getByTestId('map-marker').count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Open in OpenStreetMap' }).count()).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'viewer-gps-place.png') });
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('names the country in Chinese (zh-CN)', async () => {
    const photo = await admin.client.uploadOk(corpusFile(MADRID));
    const { page, close } = await openViewer('zh-CN', photo.id, '照片查看器');
    try {
      const place = page.getByTestId('gps-place');
      await place.waitFor();
      const text = await place.innerText();
      expect(text).toMatch(/^地点：西班牙 40\.40007, [-−]3\.71465$/);
      expect(text).not.toContain('Spain');
      await page.getByRole('img', { name: /西班牙/ }).waitFor();
    } finally {
      await close();
    }
  }, 60_000);

  it('shows just the coordinates for a point at sea', async () => {
    const photo = await admin.client.uploadOk(atSea());
    const { page, close } = await openViewer('en-GB', photo.id, 'Photo viewer');
    try {
      const coordinates = page.locator('[data-testid="gps-coordinates"][data-state="none"]');
      await coordinates.waitFor();
      expect(await coordinates.innerText()).toBe('40.40007, 3.71465');
      expect(await page.getByTestId('gps-place').count()).toBe(0);
      expect(await page.getByTestId('world-map').count()).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);
});
