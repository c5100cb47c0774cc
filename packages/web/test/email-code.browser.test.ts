/**
 * The e-mailed one-time code on the new-browser waiting screen, in Chromium against a server that sends real mail
 * over loopback SMTP: send a code, wait out the resend delay (the browser's and the server's clocks moved on
 * together), send a new one, and see that only the new code lets the browser in.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/src/platform/clock.ts';
import { adminSession, eventually, PASSWORD } from '../../server/test/support/api.ts';
import { startSmtp } from '../../server/test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'mailed@example.com';
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

describe('the e-mailed code on the waiting screen in Chromium', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  /** The code of the `nth` sign-in-code mail (1-based), once it has arrived. */
  const mailedCode = async (nth: number) => {
    const mail = await eventually(
      () => Promise.resolve(smtp.inbox.filter((m) => /sign-in code: \d+/.test(m.text))[nth - 1]),
      10_000,
      `sign-in code mail ${nth}`,
    );
    return /sign-in code: (\d+)/.exec(mail.text)?.[1] ?? '';
  };

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtp();
    [server, browser] = await Promise.all([
      startTestServer('sqlite', { clock, config: { smtpUrl: smtp.url } }),
      launchChromium(),
    ]);
    await adminSession(server.url, EMAIL);
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    // The page's clock runs normally until the test moves it on past the resend delay.
    await page.clock.install();
  }, 120_000);

  afterAll(async () => {
    clock.skew = 0;
    await browser?.close();
    await server?.close();
    await smtp?.close();
  }, 60_000);

  it('sends a new code when asked again after the delay, and only the new code works', async () => {
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Approve this browser' }).waitFor();
    const methods = page.getByLabel('Let this browser in with');
    await expect
      .poll(async () => (await methods.locator('option').allTextContents()).join('|'))
      .toContain('A code sent by e-mail');
    await methods.selectOption('email-code');

    await page.getByRole('button', { name: 'E-mail me a code' }).click();
    await page
      .getByRole('status')
      .getByText(/^A code was sent to m…@example\.com/)
      .waitFor();
    const first = await mailedCode(1);
    expect(first).toMatch(/^\d{8}$/);
    const resend = page.getByTestId('email-resend');
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toMatch(/^Send a new code \(in \d+ s\)$/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'pending-email-code-sent.png') });

    clock.skew += 31_000;
    await page.clock.fastForward(31_000);
    await page.getByRole('button', { name: 'Send a new code', exact: true }).click();
    await page
      .getByRole('status')
      .getByText('A new code was sent to m…@example.com; the previous one no longer works.')
      .waitFor();
    const second = await mailedCode(2);
    expect(second).toMatch(/^\d{8}$/);
    expect(await resend.isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'pending-email-code-resent.png') });

    const field = page.getByLabel('A code sent by e-mail', { exact: true });
    const verify = page.getByRole('button', { name: 'Verify code' });
    if (first !== second) {
      await field.fill(first);
      await verify.click();
      await page.locator('.pending__code .form__error[role=alert]').waitFor();
    }
    await field.fill(second);
    await verify.click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
  }, 90_000);
});
