/**
 * The Devices page's serial numbers and session list in a real browser (issue 4 req. 3): every live session is
 * listed, the current one without a button, and "End session" signs another session out at once.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvedDevice,
  createAccount,
  deviceDescription,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'sessions@example.com';

describe('sessions on the Devices page in Chromium', () => {
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
    owner = await signIn(server.url, EMAIL, deviceDescription('Desk', { serial: 'SN-DESK-0042' }));
    laptop = await approvedDevice(server.url, owner.client, EMAIL, 'Old laptop');
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
    await page.goto(`${server.url}/devices`);
    await page.getByRole('heading', { name: 'Sessions' }).waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it("shows a device's serial number when it gave one", async () => {
    const desk = page.locator('.device', { has: page.getByRole('heading', { name: 'Desk', exact: true }) });
    await desk.first().getByText('SN-DESK-0042').waitFor();
    expect(await desk.first().getByText('Serial number').count()).toBe(1);
    const other = page.locator('.device:not(.session)', {
      has: page.getByRole('heading', { name: 'Old laptop' }),
    });
    expect(await other.getByText('Serial number').count()).toBe(0);
  }, 30_000);

  it('lists both sessions, the current one without an End session button', async () => {
    const sessions = page.locator('.session');
    await expect.poll(() => sessions.count()).toBe(2);
    const current = page.locator(`.session[data-session-id="${owner.response.session.id}"]`);
    await current.getByText('This session').waitFor();
    expect(await current.getByRole('button').count()).toBe(0);
    const other = page.locator(`.session[data-session-id="${laptop.response.session.id}"]`);
    await other.getByRole('heading', { name: 'Old laptop' }).waitFor();
    expect(await other.getByText('127.0.0.1').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'devices-sessions.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 30_000);

  it('ends another session at once: its token stops working and it leaves the list', async () => {
    expect((await laptop.client.get('/api/me')).status).toBe(200);
    await page.getByRole('button', { name: 'End session of “Old laptop”' }).click();
    await page.getByText('The session of “Old laptop” ended').waitFor({ timeout: 8_000 });
    await expect.poll(() => page.locator('.session').count()).toBe(1);
    expect((await laptop.client.get('/api/me')).status).toBe(401);
    // This browser is still signed in, and the laptop is still one of the account's devices.
    expect((await owner.client.get('/api/me')).status).toBe(200);
    await page.getByRole('heading', { name: 'Old laptop' }).first().waitFor();
  }, 30_000);

  it('names each End session button starting with its visible text (WCAG 2.5.3)', async () => {
    const phone = await approvedDevice(server.url, owner.client, EMAIL, 'Spare phone');
    await page.reload();
    const other = page.locator(`.session[data-session-id="${phone.response.session.id}"]`);
    const button = other.getByRole('button');
    await button.waitFor();
    const visible = (await button.innerText()).trim();
    expect(visible).toBe('End session');
    const name = (await button.getAttribute('aria-label')) ?? visible;
    expect(name.startsWith(visible)).toBe(true);
    expect(name).toBe('End session of “Spare phone”');
    expect(
      await page.getByRole('button', { name: 'End session of “Spare phone”', exact: true }).count(),
    ).toBe(1);
  }, 30_000);

  it('signs the ended browser out live without asking the server to sign it out again', async () => {
    const tablet = await approvedDevice(server.url, owner.client, EMAIL, 'Kitchen tablet');
    const ended = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const second = await ended.newPage();
      await second.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(tablet.client.token)})`,
      );
      const frames: string[] = [];
      second.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
      await second.goto(server.url);
      await second.getByRole('heading', { name: 'Your library is empty' }).waitFor({ timeout: 15_000 });
      await expect.poll(() => frames.some((f) => f.includes('"hello"')), { timeout: 10_000 }).toBe(true);
      const failed: string[] = [];
      const errors: string[] = [];
      second.on('response', (r) => {
        if (r.status() >= 400)
          failed.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
      });
      second.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });

      await page.reload();
      await page.getByRole('button', { name: 'End session of “Kitchen tablet”' }).click();
      await second.getByText('Your session ended. Please sign in again.').waitFor({ timeout: 8_000 });
      await second.waitForTimeout(1_000);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await ended.close();
    }
  }, 60_000);
});
