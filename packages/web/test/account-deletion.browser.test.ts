/**
 * Deleting accounts in Chromium against a real server: the owner's "Delete account" section (warning, the e-mail
 * typed out, signed out with a notice, the account gone from the server), its Chinese strings and accessibility,
 * and an admin deleting another account with a reason from the accounts table.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  createAccount,
  eventually,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

describe('account deletion in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: SignedIn;

  async function open(token: string, url: string, locale = 'en-GB'): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, locale, timezoneId: 'UTC' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
    await page.goto(url);
    return page;
  }
  const gone = (email: string) =>
    eventually(
      async () =>
        (await server.database.db
          .selectFrom('accounts')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirst())
          ? undefined
          : true,
      30_000,
      `${email} to be deleted`,
    );

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    admin = await adminSession(server.url, 'ada@example.com');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('deletes your own account after a warning and the e-mail typed out, and signs you out', async () => {
    await createAccount(server.url, 'gina@example.com', admin.client);
    const gina = await signIn(server.url, 'gina@example.com');
    await gina.client.uploadOk(corpusFile('cameras/gopro-hero6-8x8.jpg'));
    const page = await open(gina.client.token ?? '', `${server.url}/security`);
    const section = page.getByRole('region', { name: 'Delete account' });
    await section.getByText('This cannot be undone.', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const submit = section.getByRole('button', { name: 'Delete my account' });
    await section
      .getByLabel('Type your e-mail address (gina@example.com) to confirm')
      .fill('ada@example.com');
    expect(await submit.isDisabled()).toBe(true);
    await section
      .getByLabel('Type your e-mail address (gina@example.com) to confirm')
      .fill('gina@example.com');
    await page.screenshot({ path: path.join(SHOTS, 'account-delete.png'), fullPage: true });
    await submit.click();
    await page.getByText('Your account is being deleted.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
    expect(await page.evaluate(`localStorage.getItem('shoebox.token')`)).toBeNull();
    await gone('gina@example.com');
  }, 90_000);

  it('shows the section in Chinese', async () => {
    await createAccount(server.url, 'hui@example.com', admin.client);
    const hui = await signIn(server.url, 'hui@example.com');
    const page = await open(hui.client.token ?? '', `${server.url}/security`, 'zh-CN');
    const section = page.getByRole('region', { name: '删除账户' });
    await section.getByText('此操作无法撤销', { exact: false }).waitFor();
    await section.getByRole('button', { name: '删除我的账户' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('lets an admin delete another account with a reason', async () => {
    await createAccount(server.url, 'hank@example.com', admin.client);
    const page = await open(admin.client.token ?? '', `${server.url}/`);
    await page.getByRole('link', { name: 'Admin' }).first().click();
    const row = page.getByTestId('accounts').locator('[data-email="hank@example.com"]');
    await row.getByRole('button', { name: 'Delete hank@example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete hank@example.com' });
    await dialog.getByText('This cannot be undone.', { exact: false }).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (recorded in your audit log)').fill('Asked by letter, ticket 12');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await confirm.click();
    await page
      .getByRole('status')
      .getByText('hank@example.com is being deleted; its sessions have ended.')
      .waitFor();
    await gone('hank@example.com');
    const events = await admin.client.get<{ items: { kind: string; body: Record<string, unknown> }[] }>(
      '/api/audit/events?limit=1000',
    );
    expect(
      events.body.items.filter((e) => e.kind === 'account.deleted').map((e) => e.body['reason']),
    ).toEqual(['Asked by letter, ticket 12']);
  }, 90_000);
});
