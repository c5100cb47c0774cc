/**
 * A refused sign-in in the reader's language (the sign-in screen used to show the server's English words to every
 * reader): a wrong password in Chinese, and in the server's own words in English. (Which codes keep the server's
 * words for English readers, such as the wait after too many tries, is tested in problem-text.test.ts.)
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium } from './support/browser.ts';

const EMAIL = 'signin-errors@example.com';

describe('sign-in failures in the reader’s language in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    await createAccount(server.url, EMAIL);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  /** Signs in with a wrong password in a fresh browser of `locale`; the alert's text. */
  async function wrongPassword(locale: string): Promise<string> {
    const context = await browser.newContext({ viewport: DESKTOP, locale, timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.locator('input[type=email]').fill(EMAIL);
      await page.locator('input[type=password]').fill('not-the-password-1');
      await page.locator('button[type=submit]').click();
      const alert = page.locator('.form__error[role=alert]');
      await alert.waitFor({ timeout: 15_000 });
      return (await alert.textContent()) ?? '';
    } finally {
      await context.close();
    }
  }

  it('says a wrong password in Chinese to a Chinese reader, and in the server’s words to an English one', async () => {
    expect(await wrongPassword('zh-CN')).toContain('密码不正确。');
    expect(await wrongPassword('en-GB')).toContain('The e-mail or password is not correct.');
  }, 60_000);
});
