/**
 * The e-mailed one-time code on the new-browser waiting screen, in Chromium against a server that sends real mail
 * over loopback SMTP: send a code, wait out the resend delay (the browser's and the server's clocks moved on
 * together), send a new one, and see that only the new code lets the browser in.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession } from '../../server/test/support/api.ts';
import {
  desktopContext,
  mailedCode,
  movableClock,
  signInAsNewBrowser,
  startBrowserFixture,
  type BrowserFixture,
} from './support/accounts.ts';
import { seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'mailed@example.com';
const SIGN_IN_CODE = /sign-in code: (\d+)/;
const clock = movableClock();

describe('the e-mailed code on the waiting screen in Chromium', () => {
  let fixture: BrowserFixture;
  let page: Page;

  beforeAll(async () => {
    fixture = await startBrowserFixture({ mail: true, clock });
    await adminSession(fixture.server.url, EMAIL);
    ({ page } = await desktopContext(fixture.browser));
    // The page's clock runs normally until the test moves it on past the resend delay.
    await page.clock.install();
  }, 120_000);

  afterAll(async () => {
    clock.skew = 0;
    await fixture?.close();
  }, 60_000);

  it('sends a new code when asked again after the delay, and only the new code works', async () => {
    const methods = await signInAsNewBrowser(page, fixture.server.url, EMAIL, 'A code sent by e-mail');
    await methods.selectOption('email-code');

    await page.getByRole('button', { name: 'E-mail me a code' }).click();
    await page
      .getByRole('status')
      .getByText(/^A code was sent to m…@example\.com/)
      .waitFor();
    const first = await mailedCode(fixture.mail, SIGN_IN_CODE, { nth: 1 });
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
    const second = await mailedCode(fixture.mail, SIGN_IN_CODE, { nth: 2 });
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
