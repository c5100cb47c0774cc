/**
 * The security pages in a real browser: sign-in activity, authenticator app set-up confirmed with a code computed
 * here (RFC 6238 with node:crypto), recovery codes, a password change, and a waiting browser let in with a factor.
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';
const NEW_PASSWORD = 'lantern-quarry-mosaic-77';

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit TOTP of `secret` for the 30-second step `stepOffset` steps from now. */
function totpCode(secret: string, stepOffset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepOffset));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function waitingBrowser(browser: Browser, url: string, name: string): Promise<[BrowserContext, Page]> {
  const pending = await signIn(url, EMAIL, deviceDescription(name));
  expect(pending.response.device.status).toBe('pending');
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(pending.client.token)})`);
  await page.goto(url);
  await page.getByRole('heading', { name: 'Approve this browser' }).first().waitFor();
  return [context, page];
}

describe('security pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: SignedIn;
  let secret = '';
  let recovery: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    admin = await adminSession(server.url, EMAIL);
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`);
    await page.goto(`${server.url}/security`);
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('lists the sign-in activity', async () => {
    const activity = page.getByTestId('activity');
    await activity.waitFor();
    expect(await activity.locator('li').count()).toBeGreaterThan(0);
    expect(await activity.innerText()).toMatch(/sign/i);
  }, 30_000);

  it('sets up an authenticator app with the secret and a code, and shows recovery codes once', async () => {
    const section = page.getByRole('region', { name: 'Authenticator app' });
    await section.getByLabel('Current password').fill(PASSWORD);
    await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
    secret = await section.getByTestId('totp-secret').innerText();
    expect(await section.getByTestId('totp-uri').innerText()).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    await section.getByLabel('Code from the app').fill(totpCode(secret));
    await section.getByRole('button', { name: 'Confirm' }).click();
    await section.getByTestId('totp-on').waitFor();
    recovery = await section.getByTestId('recovery-codes').locator('code').allInnerTexts();
    expect(recovery.length).toBe(10);
    await page.screenshot({ path: path.join(SHOTS, 'security.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 30_000);

  it('lets a waiting browser in with an authenticator code or a recovery code', async () => {
    const [first, totpPage] = await waitingBrowser(browser, server.url, 'Tablet');
    try {
      await totpPage.getByLabel('Let this browser in with').selectOption('totp');
      // The next step: inside the server's ±1 window and after the step the set-up used.
      await totpPage.getByRole('textbox', { name: 'Authenticator app code' }).fill(totpCode(secret, 1));
      await totpPage.getByRole('button', { name: 'Verify code' }).click();
      await totpPage.locator('.grid__scroller, .empty').first().waitFor({ timeout: 10_000 });
    } finally {
      await first.close();
    }
    const [second, codePage] = await waitingBrowser(browser, server.url, 'Netbook');
    try {
      await codePage.getByLabel('Let this browser in with').selectOption('recovery-code');
      await codePage.getByRole('textbox', { name: 'Recovery code' }).fill(recovery[0] ?? '');
      await codePage.getByRole('button', { name: 'Verify code' }).click();
      await codePage.locator('.grid__scroller, .empty').first().waitFor({ timeout: 10_000 });
    } finally {
      await second.close();
    }
  }, 60_000);

  it('makes new recovery codes and changes the password', async () => {
    const codes = page.getByRole('region', { name: 'Recovery codes' });
    await codes.getByLabel('Current password').fill(PASSWORD);
    await codes.getByRole('button', { name: 'Make new recovery codes' }).click();
    await codes.getByTestId('recovery-codes').waitFor();
    expect(await codes.getByTestId('recovery-codes').locator('code').count()).toBe(10);

    const password = page.getByRole('region', { name: 'Password' });
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password').fill(NEW_PASSWORD);
    expect(await password.getByLabel('Sign out everywhere else').isChecked()).toBe(true);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText(/Password changed/).waitFor();
    const again = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: NEW_PASSWORD, device: deviceDescription('Check') }),
    });
    expect(again.status).toBe(200);
  }, 30_000);
});
