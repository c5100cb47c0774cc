/**
 * The viewer's info panel in a real browser: the provenance sentence from `GET /api/photos/{id}/provenance` and the
 * "Why is this here?" explain report, for a photo uploaded by a second, approved device.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, approvedDevice, TestClient, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';
const BEIJING = '162.105.1.1';

describe('viewer provenance in Chromium', () => {
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

  it('says which device uploaded a photo, its sign-in and approval, and explains why it is here', async () => {
    const phone = await approvedDevice(server.url, admin.client, EMAIL, 'Zhang’s Redmi');
    const photo = await phone.client.uploadOk(corpusFile('cameras/nikon-d3100-gps.jpg'));
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      await page.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`,
      );
      await page.goto(`${server.url}/?view=${photo.id}`);
      const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
      await viewer.waitFor();
      const provenance = viewer.getByTestId('provenance');
      await expect.poll(() => provenance.innerText()).toMatch(/signed in .*approved by /);
      const text = await provenance.innerText();
      expect(text).toContain('Uploaded from Zhang’s Redmi (TestModel)');
      expect(text).toContain(`approved by ${admin.response.device.name}`);

      // The two ways to ask are apart, not run together.
      const why = await viewer.getByRole('button', { name: 'Why is this here?' }).boundingBox();
      const full = await viewer.getByRole('link', { name: 'Open full report' }).boundingBox();
      expect(why && full && (full.x >= why.x + why.width + 8 || full.y >= why.y + why.height)).toBe(true);
      await viewer.getByRole('button', { name: 'Why is this here?' }).click();
      const report = viewer.getByTestId('explain');
      await report.waitFor();
      expect(await report.innerText()).toMatch(/another of your devices|this device/);
      await page.screenshot({ path: path.join(SHOTS, 'viewer-provenance.png') });
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('links the upload, the sign-in and the approval to the activity entries they cite', async () => {
    const phone = await approvedDevice(server.url, admin.client, EMAIL, 'Zhang’s K40');
    const photo = await phone.client.uploadOk(corpusFile('cameras/olympus-pen-e-p3.jpg'));
    type Cited = { upload: { cite: { seq: number } }; signIn: { cite: { seq: number } } };
    const { upload, signIn } = (await admin.client.get<Cited>(`/api/photos/${photo.id}/provenance`)).body;
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      await page.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`,
      );
      await page.goto(`${server.url}/?view=${photo.id}`);
      const provenance = page.getByRole('dialog', { name: 'Photo viewer' }).getByTestId('provenance');
      const links = provenance.getByRole('link');
      await expect.poll(() => links.count(), { timeout: 20_000 }).toBe(3);
      // Uploads are not security activity: the entry is fetched on its own and shown, marked, above the list.
      await provenance.getByRole('link', { name: /^Uploaded from Zhang’s K40/ }).click();
      await page.waitForURL(`**/security?entry=${upload.cite.seq}`);
      const entry = page.getByTestId('linked-entry');
      await entry.waitFor();
      expect(await entry.innerText()).toContain(`Entry #${upload.cite.seq} Photo uploaded`);
      expect(await entry.getAttribute('class')).toContain('is-linked');
      expect(await page.evaluate<boolean>(`document.activeElement?.dataset.testid === 'linked-entry'`)).toBe(
        true,
      );

      await page.goBack();
      await provenance.getByRole('link', { name: /^signed in/ }).click();
      await page.waitForURL(`**/security?entry=${signIn.cite.seq}`);
      const item = page.locator(`li[data-seq="${signIn.cite.seq}"]`);
      await item.waitFor();
      expect(await item.getAttribute('class')).toContain('is-linked');
      expect(await item.innerText()).toContain('Zhang’s K40');
      expect(await page.getByTestId('linked-entry').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('names the upload and sign-in places in the reader’s language (zh-CN)', async () => {
    // The upload comes from a Beijing address (through the trusted test proxy); the sign-in from the loopback.
    const fromBeijing = new TestClient(server.url, admin.client.token, BEIJING);
    const photo = await fromBeijing.uploadOk(corpusFile('cameras/casio-ex-z3.jpg'));
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    try {
      const page = await context.newPage();
      await page.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`,
      );
      await page.goto(`${server.url}/?view=${photo.id}`);
      const viewer = page.getByRole('dialog', { name: '照片查看器' });
      await viewer.waitFor();
      const provenance = viewer.getByTestId('provenance');
      await expect.poll(() => provenance.innerText()).toMatch(/登录/);
      const text = await provenance.innerText();
      // The country from the browser's own region names, the town as the IP database spells it.
      expect(text).toMatch(/来自 Beijing，中国/);
      expect(text).toContain('从 本地网络 登录');
      expect(text).not.toMatch(/China|Local network/);

      await viewer.getByRole('button', { name: '为什么会有这张照片？' }).click();
      const report = viewer.getByTestId('explain');
      await report.waitFor();
      expect(await report.innerText()).toContain('本地网络');
      expect(await report.innerText()).not.toContain('Local network');
    } finally {
      await context.close();
    }
  }, 60_000);
});
