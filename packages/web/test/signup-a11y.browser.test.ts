/**
 * Accessibility and screenshots of pages no other test looks at with axe: "Create your account" under the open
 * policy and with an invite link, and the admin's "Support access" page, each in English and Simplified Chinese;
 * and the security page's history with factors in words and "This wasn't me" on an entry without a device.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deviceDescription, TestClient } from '../../server/test/support/api.ts';
import { DESKTOP, seriousAxeViolations, SHOTS } from './support/browser.ts';
import { useFlowFixture } from './support/flows.ts';

type Lang = 'en' | 'zh-CN';
const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** The few strings the test waits for, as each locale writes them (src/i18n). */
const TEXT = {
  en: {
    signUp: 'Create your account',
    invite: 'This server is invite-only',
    inviteCode: 'Invite code',
    support: 'Look at an account’s records',
    account: 'Account',
    reason: /^Reason/,
    look: 'Look',
    password: 'password',
    notMe: "This wasn't me",
    changePassword: 'Change my password',
  },
  'zh-CN': {
    signUp: '创建你的账户',
    invite: '此服务器仅限受邀注册',
    inviteCode: '邀请码',
    support: '查看某个账户的记录',
    account: '账户',
    reason: /^理由/,
    look: '查看',
    password: '密码',
    notMe: '这不是我',
    changePassword: '修改我的密码',
  },
} as const;

describe('sign-up and support access: axe and screenshots in English and Chinese', () => {
  const flow = useFlowFixture('signup-a11y');

  /** A desktop page in `lang` (the browser's language and the remembered pick), signed in when given a token. */
  const open = async (lang: Lang, token?: string) => {
    const context = await flow.fx.browser.newContext({
      viewport: DESKTOP,
      locale: lang === 'en' ? 'en-GB' : 'zh-CN',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const init = [`localStorage.setItem('shoebox.locale', ${JSON.stringify(lang)})`];
    if (token) init.push(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
    await page.addInitScript(init.join(';'));
    return { context, page };
  };

  /** Axe over the whole page; the screenshot of the page, or of `part` (a section the app scrolls inside its frame). */
  const check = async (page: Page, shot: string, part?: Locator) => {
    const file = path.join(SHOTS, `${shot}.png`);
    if (part) await part.screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    expect(await seriousAxeViolations(page), shot).toEqual([]);
  };

  const setPolicy = async (signupPolicy: 'open' | 'invite' | 'closed') => {
    const reply = await flow.admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy });
    expect(reply.status).toBe(200);
  };

  it('checks "Create your account" under the open policy and from an invite link', async () => {
    await setPolicy('open');
    for (const lang of LANGS) {
      const { context, page } = await open(lang);
      try {
        await page.goto(flow.fx.server.url);
        await page.getByRole('button', { name: lang === 'en' ? 'Create an account' : '创建账户' }).click();
        await page.getByRole('heading', { name: TEXT[lang].signUp }).waitFor();
        await check(page, `signup-open-${lang}`);
      } finally {
        await context.close();
      }
    }

    await setPolicy('invite');
    try {
      for (const lang of LANGS) {
        const made = await flow.admin.client.post<{ code: string; url?: string }>('/api/admin/invites', {
          email: `invited-${lang}@example.com`,
        });
        expect(made.status).toBe(201);
        const { context, page } = await open(lang);
        try {
          // The link the admin hands over when there is one, else the sign-up form with the code typed in.
          const link = made.body.url;
          await page.goto(link ?? flow.fx.server.url);
          if (!link) {
            await page
              .getByRole('button', { name: lang === 'en' ? 'Create an account' : '创建账户' })
              .click();
            await page.getByLabel(TEXT[lang].inviteCode).fill(made.body.code);
          }
          await page.getByRole('heading', { name: TEXT[lang].signUp }).waitFor();
          await page.getByText(TEXT[lang].invite).waitFor();
          await check(page, `signup-invite-${lang}`);
        } finally {
          await context.close();
        }
      }
    } finally {
      await setPolicy('closed');
    }
  }, 120_000);

  it('checks the admin’s "Support access" page before and after a look', async () => {
    const user = await flow.newUser();
    for (const lang of LANGS) {
      const { context, page } = await open(lang, flow.admin.client.token);
      try {
        await page.goto(`${flow.fx.server.url}/admin/support`);
        await page.getByRole('heading', { name: TEXT[lang].support }).waitFor();
        await check(page, `admin-support-${lang}`);
        await page
          .getByRole('combobox', { name: new RegExp(`^${TEXT[lang].account}`) })
          .selectOption({ label: user.account.email });
        await page.getByLabel(TEXT[lang].reason).fill(`ticket ${lang}: screenshot`);
        await page.getByRole('button', { name: TEXT[lang].look, exact: true }).click();
        await page.getByTestId('support-result').waitFor();
        await check(page, `admin-support-result-${lang}`);
      } finally {
        await context.close();
      }
    }
  }, 120_000);

  it('shows factors in words and "This wasn’t me" on a sign-in without a device, which leads to the password', async () => {
    const user = await flow.newUser();
    // A failed sign-in from nowhere known: no device is recorded for it.
    const stranger = new TestClient(flow.fx.server.url);
    const failed = await stranger.post('/api/auth/sign-in', {
      email: user.account.email,
      password: 'not-it-1234',
      device: deviceDescription('Unknown laptop'),
    });
    expect(failed.status).toBe(401);
    for (const lang of LANGS) {
      const { context, page } = await open(lang, user.client.token);
      try {
        await page.goto(`${flow.fx.server.url}/security`);
        const list = page.getByTestId('activity');
        await list.waitFor();
        // Factors in the reader's words ("with password", "使用密码"), not as codes.
        const factors = list.getByTestId('activity-factors').first();
        await expect(factors.textContent()).resolves.toContain(TEXT[lang].password);
        // The failed sign-in has no device; this browser's own sign-in (its token is the API's) gets no button.
        const deviceless = list.getByTestId('not-me-password');
        expect(await deviceless.count()).toBeGreaterThan(0);
        await check(page, `security-activity-${lang}`, page.locator('section', { has: list }));
        await deviceless.first().click();
        const dialog = page.getByRole('dialog', { name: TEXT[lang].notMe });
        await dialog.waitFor();
        await check(page, `security-not-me-password-${lang}`);
        await dialog.getByRole('button', { name: TEXT[lang].changePassword }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.waitForFunction(
          `document.activeElement?.getAttribute('autocomplete') === 'current-password'`,
        );
        expect(new URL(page.url()).hash).toBe('#sec-password');
      } finally {
        await context.close();
      }
    }
  }, 120_000);

  it('pages through the history with "Show older", verifying the older entries too', async () => {
    const user = await flow.newUser();
    const stranger = new TestClient(flow.fx.server.url);
    await stranger.post('/api/auth/sign-in', {
      email: user.account.email,
      password: 'not-it-1234',
      device: deviceDescription('Unknown laptop'),
    });
    const { context, page } = await open('en', user.client.token);
    try {
      // Pages of one entry instead of 100, so a short history needs "Show older" (the server pages for real).
      await page.route('**/api/activity?*', (route) =>
        route.continue({ url: route.request().url().replace('limit=100', 'limit=1') }),
      );
      await page.goto(`${flow.fx.server.url}/security`);
      const list = page.getByTestId('activity');
      await list.locator('.activity__item').first().waitFor();
      expect(await list.locator('.activity__item').count()).toBe(1);
      await page.getByTestId('activity-older').click();
      await list.locator('.activity__item').nth(1).waitFor();
      await list.getByTestId('audit-state').nth(1).waitFor();
      const states = await list.getByTestId('audit-state').allTextContents();
      expect(states.length).toBe(2);
      expect(states.every((state) => state !== 'FAILED')).toBe(true);
      expect(await page.getByTestId('audit-alarm').count()).toBe(0);
      // Newest first: the older page follows the first.
      const items = list.locator('.activity__item');
      const first = Number(await items.nth(0).getAttribute('data-seq'));
      const second = Number(await items.nth(1).getAttribute('data-seq'));
      expect(first).toBeGreaterThan(second);
    } finally {
      await context.close();
    }
  }, 120_000);
});
