/**
 * Live updates in a real browser: a photo uploaded by another device appears without a reload, and a new device's
 * approval request shows at once as a banner whose Allow gives the code that lets the device in.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  approvedDevice,
  deviceDescription,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';

describe('live updates in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: SignedIn;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    admin = await adminSession(server.url, EMAIL);
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('shows a photo uploaded by another device without a reload', async () => {
    const phone = await approvedDevice(server.url, admin.client, EMAIL, 'Zhang’s phone');
    const photo = await phone.client.uploadOk(corpusFile('cameras/nikon-d3100-gps.jpg'));
    await page.locator('.cell').first().waitFor({ timeout: 15_000 });
    await page.getByText('1 photo').first().waitFor();
    expect(photo.upload.deviceName).toBe('Zhang’s phone');
  }, 60_000);

  it('prompts on the trusted browser when a new device asks, and Allow shows the code that lets it in', async () => {
    const pending = await signIn(server.url, EMAIL, deviceDescription('Pixel 8', { model: 'GKWS6' }));
    expect(pending.response.device.status).toBe('pending');
    const banner = page.getByRole('alert', { name: 'New device approval' });
    await banner.waitFor({ timeout: 8_000 });
    await banner.getByText('“Pixel 8 (GKWS6)” wants to sign in to your account').waitFor();
    const facts = await banner.getByTestId('banner-facts').innerText();
    expect(facts).toMatch(/IP 127\.0\.0\.1/);
    await page.screenshot({ path: path.join(SHOTS, 'approval-banner-live.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    await banner.getByRole('button', { name: 'Allow', exact: true }).click();
    const code = (await page.getByTestId('banner-code').innerText()).replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);
    const done = await pending.client.post('/api/auth/enrolment/complete', { code });
    expect(done.status).toBe(200);
  }, 60_000);

  it('signs a browser out live when its device is removed elsewhere', async () => {
    const laptop = await approvedDevice(server.url, admin.client, EMAIL, 'Old laptop');
    const other = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const second = await other.newPage();
      await second.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(laptop.client.token)})`,
      );
      await second.goto(server.url);
      await second.getByText('1 photo').first().waitFor();
      // Give the socket a moment to open, then remove the device from the first one.
      await second.waitForTimeout(300);
      const removed = await admin.client.call('DELETE', `/api/devices/${laptop.deviceId}`);
      expect(removed.status).toBeLessThan(300);
      await second.getByText('Your session ended. Please sign in again.').waitFor({ timeout: 8_000 });
    } finally {
      await other.close();
    }
  }, 60_000);
});
