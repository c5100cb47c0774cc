/**
 * "This wasn't me" from a notice e-mail's link, in a browser that is not signed in: it asks first (mail scanners
 * open links on their own), then removes the device the notice was about, and a second use of the link is refused.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '@shoebox/shared';
import { adminSession, pendingSession, type SignedIn } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations } from './support/browser.ts';

describe('the "This wasn\'t me" link in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: SignedIn;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    owner = await adminSession(server.url, 'owner@example.com');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('removes the device the notice was about, once, without signing in', async () => {
    const stranger = await pendingSession(server.url, 'owner@example.com');
    // The link the notifier puts in the e-mail for this sign-in (the e-mail itself is tested in email-code.test).
    const link = await server.app.services.trustParts.notMe.link(owner.account.id, stranger.deviceId);
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(20);

    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/not-me?token=${token}`);
      await page.getByRole('heading', { name: "This wasn't me" }).waitFor();
      // Nothing happens on opening the link: the device is still there until the button is pressed.
      const before = await owner.client.get<{ items: Device[] }>('/api/devices');
      expect(before.body.items.find((d) => d.id === stranger.deviceId)?.status).toBe('pending');
      expect(await seriousAxeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Remove that device and lock new sign-ins' }).click();
      await page
        .getByRole('status')
        .getByText(/the device is removed/)
        .waitFor();
      const after = await owner.client.get<{ items: Device[] }>('/api/devices');
      expect(after.body.items.find((d) => d.id === stranger.deviceId)?.status).toBe('removed');

      await page.reload();
      await page.getByRole('button', { name: 'Remove that device and lock new sign-ins' }).click();
      await page
        .getByRole('alert')
        .getByText(/expired or was already used/)
        .waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);
});
