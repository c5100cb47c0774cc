/**
 * Removing a device from the Devices page in Chromium: the confirmation says what removal does, and when the device
 * is the account's last trusted one it also says that no device will be left to approve the next sign-in (an owner
 * who removes every trusted device and has no second factor could otherwise lock themselves out unawares). A removed
 * device's token stops working at once.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedDevice, createAccount, signIn, type SignedIn } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'remove@example.com';
const LAST = /It is your last trusted device/;

describe('removing a device on the Devices page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: SignedIn;
  let laptop: SignedIn;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    await createAccount(server.url, EMAIL);
    owner = await signIn(server.url, EMAIL);
    laptop = await approvedDevice(server.url, owner.client, EMAIL, 'Old laptop');
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
    await page.goto(`${server.url}/devices`);
    await page.getByRole('heading', { name: 'Old laptop' }).first().waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  const deviceCard = (name: string) =>
    page.locator('.device:not(.session)', { has: page.getByRole('heading', { name, exact: true }) });

  it('removing one of two trusted devices: no last-device warning, and the device is signed out', async () => {
    await deviceCard('Old laptop').getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/It is signed out at once/).waitFor();
    expect(await dialog.getByText(LAST).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('“Old laptop” was removed').waitFor({ timeout: 8_000 });
    expect((await laptop.client.get('/api/me')).status).toBe(401);
  }, 30_000);

  it('removing the last trusted device (this browser) warns that nothing will be left to approve a sign-in', async () => {
    const own = page
      .locator('.device:not(.session)', { has: page.getByText('This browser', { exact: true }) })
      .first();
    await own.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(LAST).waitFor();
    await dialog.getByText(/This is the browser you are using/).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'devices-remove-last.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // Cancelled: this browser is still signed in.
    expect((await owner.client.get('/api/me')).status).toBe(200);
  }, 30_000);
  it('shows an approval with the address it was made from, and no "Unknown" place beside it', async () => {
    await page.goto(`${server.url}/security`);
    const allowed = page.locator('.activity__item', { hasText: 'New device allowed' }).first();
    await allowed.waitFor();
    // An approval records the address only (no place was looked up for it).
    expect(await allowed.innerText()).toMatch(/· \d+\.\d+\.\d+\.\d+ ·/);
    expect(await allowed.innerText()).not.toContain('Unknown');
  }, 30_000);
});
