/**
 * The admin pages in Chromium against a real server: accounts (create, support role, sign-up policy, invites),
 * fleet CSV imports with row errors, serial lookups, support access with a reason that the account's owner then
 * sees, a phone-sized window, and that nobody but staff gets the pages (nor the API behind them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@shoebox/shared';
import {
  adminSession,
  createAccount,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const PHONE = { width: 390, height: 844 };
// A real DB-IP place (Beijing, China) through the trusted test proxy, for a fleet activation with a place.
const BEIJING = '162.105.1.1';

async function browse(
  browser: Browser,
  url: string,
  token: string,
  viewport = DESKTOP,
): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
  await page.goto(url);
  return [context, page];
}

describe('admin pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: SignedIn;
  let carol: SignedIn;
  let page: Page;
  let dir = '';

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([
      // A retention other than the default, which the trash page must show.
      startTestServer('sqlite', { config: { trashDays: 9 } }),
      launchChromium(),
    ]);
    admin = await adminSession(server.url, 'ada@example.com');
    await createAccount(server.url, 'carol@example.com', admin.client);
    carol = await signIn(
      server.url,
      'carol@example.com',
      deviceDescription('Carol phone', { serial: 'SN-CAROL-1' }),
    );
    await createAccount(server.url, 'gao@example.com', admin.client);
    await signIn(
      server.url,
      'gao@example.com',
      deviceDescription('Gao phone', { serial: 'SN-GAO-1' }),
      BEIJING,
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-admin-'));
    [, page] = await browse(browser, `${server.url}/`, admin.client.token ?? '');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('lists and creates accounts, gives the support role and sets the sign-up policy', async () => {
    await page.getByRole('link', { name: 'Admin' }).first().click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    const table = page.getByTestId('accounts');
    await table.locator('[data-email="carol@example.com"]').waitFor();
    await table.locator('[data-email="ada@example.com"]').getByText('Administrator').waitFor();

    const create = page.getByRole('region', { name: 'Create an account' });
    await create.getByLabel('E-mail').fill('dave@example.com');
    await create.getByLabel('Name', { exact: true }).fill('Dave');
    await create.getByLabel('Password').fill(PASSWORD);
    await create.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Account dave@example.com created.').waitFor();
    await table.locator('[data-email="dave@example.com"]').waitFor();

    await page.getByLabel('Role of dave@example.com').selectOption('support');
    await page.getByText('dave@example.com is now Support staff.').waitFor();
    const listed = await admin.client.get<{ items: Account[] }>('/api/admin/accounts');
    expect(listed.body.items.find((a) => a.email === 'dave@example.com')?.role).toBe('support');

    await page.getByLabel('Who may create an account').selectOption('closed');
    await page.getByText('Sign-up is now: Nobody (closed).').waitFor();
    expect((await admin.client.get<{ signupPolicy: string }>('/api/server')).body.signupPolicy).toBe(
      'closed',
    );
    await page.getByLabel('Who may create an account').selectOption('invite');
    await page.getByText('Sign-up is now: Invited people only.').waitFor();
    expect((await admin.client.get<{ signupPolicy: string }>('/api/server')).body.signupPolicy).toBe(
      'invite',
    );

    await page.getByLabel('Invite by e-mail').fill('erin@example.com');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const code = (await page.getByTestId('invite-code').locator('code').textContent()) ?? '';
    expect(code.length).toBeGreaterThan(5);
    const signedUp = await fetch(`${server.url}/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'erin@example.com', password: PASSWORD, inviteCode: code }),
    });
    expect(signedUp.status).toBe(201);
    await page.screenshot({ path: path.join(SHOTS, 'admin-accounts.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('lists open invites and revokes one; disables an account (its sessions end) and enables it', async () => {
    await page.getByLabel('Invite by e-mail').fill('frank@example.com');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const invites = page.getByTestId('invites');
    await invites.locator('[data-email="frank@example.com"]').waitFor();
    await page.getByRole('button', { name: 'Revoke the invite for frank@example.com' }).click();
    await page.getByText('The invite for frank@example.com no longer works.').waitFor();
    await page.getByText('No invites waiting.').waitFor();
    expect((await admin.client.get<{ items: unknown[] }>('/api/admin/invites')).body.items).toEqual([]);

    const erinPhone = deviceDescription('Erin phone');
    const erin = await signIn(server.url, 'erin@example.com', erinPhone);
    expect((await erin.client.get('/api/photos')).status).toBe(200);
    await page.getByRole('button', { name: 'Disable erin@example.com' }).click();
    await page
      .getByRole('dialog')
      .getByText(/signed out everywhere at once/)
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByText('erin@example.com is disabled; its sessions have ended.').waitFor();
    const row = page.getByTestId('accounts').locator('[data-email="erin@example.com"]');
    await row.getByText(/^Disabled since/).waitFor();
    expect((await erin.client.get('/api/photos')).status).toBe(401);
    await expect(signIn(server.url, 'erin@example.com')).rejects.toThrow(/account_disabled/);
    // The admin's own row offers no way to lock themselves out.
    expect(
      await page
        .getByTestId('accounts')
        .locator('[data-email="ada@example.com"]')
        .getByRole('button')
        .count(),
    ).toBe(0);
    await page.getByRole('button', { name: 'Enable erin@example.com' }).click();
    await page.getByText('erin@example.com can sign in again.').waitFor();
    expect(
      (await (await signIn(server.url, 'erin@example.com', erinPhone)).client.get('/api/photos')).status,
    ).toBe(200);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('imports fleet CSVs, listing every bad row, and looks up a serial with a reason', async () => {
    await page.getByRole('link', { name: 'Fleet records' }).click();
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      bad,
      [
        'serial,model,batch,ship_date,shipped_to',
        'SN-CAROL-1,Phone X,B1,2024-02-01,Volt',
        'SN-2,Phone X,B1,yesterday,Volt',
      ].join('\n'),
    );
    await page.getByRole('combobox', { name: /^Records/ }).selectOption('shipments');
    await page.getByLabel('CSV file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Import' }).click();
    const errors = page.getByTestId('import-errors');
    await errors.getByText(/^Line 3: /).waitFor();

    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(
      good,
      [
        'serial,model,batch,ship_date,shipped_to',
        'SN-CAROL-1,Phone X,B1,2024-02-01,Volt Retail',
        'SN-OTHER-2,Phone X,B1,2024-02-01,Volt Retail',
      ].join('\n'),
    );
    await page.getByLabel('CSV file').setInputFiles(good);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('import-result').getByText('2 rows: 2 imported, 0 already on record.').waitFor();
    expect(await errors.count()).toBe(0);
    // Past imports: the refused file is not among them.
    const imports = page.getByTestId('fleet-imports');
    await imports.getByText('good.csv').waitFor();
    await imports.getByText('2 new, 0 already on record', { exact: false }).waitFor();
    await imports.getByText('ada@example.com').waitFor();
    expect(await imports.getByText('bad.csv').count()).toBe(0);

    const lookup = page.getByRole('region', { name: 'Device history by serial' });
    await lookup.getByLabel('Serial number').fill('SN-CAROL-1');
    await lookup.getByLabel(/^Reason/).fill('warranty claim 17');
    await lookup.getByRole('button', { name: 'Look up' }).click();
    const history = lookup.getByTestId('history');
    await history.locator('tr[data-kind="shipped"]').getByText('Manufacturer').waitFor();
    // The shipment's calendar date, in the reader's format.
    await history.locator('tr[data-kind="shipped"]').getByText('1 Feb 2024').waitFor();
    await history.locator('tr[data-kind="activated"]').getByText('Shoebox').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'admin-fleet.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('names the places of a device history in the reader’s language (zh-CN)', async () => {
    const zh = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const zhPage = await zh.newPage();
      zhPage.setDefaultTimeout(20_000);
      await zhPage.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`,
      );
      await zhPage.goto(`${server.url}/admin/fleet`);
      const lookup = zhPage.getByRole('region', { name: '按序列号查询设备历史' });
      await lookup.getByLabel('序列号').fill('SN-CAROL-1');
      await lookup.getByLabel(/^理由/).fill('保修申请 17');
      await lookup.getByRole('button', { name: '查询' }).click();
      // Carol's phone signed in from the loopback: the server calls that place "Local network".
      const activated = lookup.getByTestId('history').locator('tr[data-kind="activated"]');
      await activated.getByText(/本地网络/).waitFor();
      expect(await activated.innerText()).not.toContain('Local network');
      await lookup
        .getByTestId('history')
        .locator('tr[data-kind="shipped"]')
        .getByText('2024年2月1日')
        .waitFor();
      // The server's finding, worded from its code in Chinese.
      await lookup
        .getByTestId('history')
        .locator('li[data-code="never-sold"]')
        .getByText('没有零售商记录过售出这台设备。')
        .waitFor();

      // Gao's phone was activated in Beijing: the country is named in Chinese.
      await lookup.getByLabel('序列号').fill('SN-GAO-1');
      await lookup.getByRole('button', { name: '查询' }).click();
      const beijing = lookup.locator(
        '[data-testid="history"][data-serial="SN-GAO-1"] tr[data-kind="activated"]',
      );
      await beijing.getByText(/Beijing，中国/).waitFor();
      expect(await beijing.innerText()).not.toContain('China');
    } finally {
      await zh.close();
    }
  });

  it('records a support look with its reason, which the account owner sees in their activity', async () => {
    await page.getByRole('link', { name: 'Support access' }).click();
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: 'carol@example.com' });
    await page.getByLabel(/^Reason/).fill('ticket 4242: lost phone');
    await page.getByRole('button', { name: 'Look', exact: true }).click();
    const result = page.getByTestId('support-result');
    await result.getByText(/You looked at the device histories of carol@example.com \(1 device\)/).waitFor();
    await result
      .getByText(/ticket 4242: lost phone/)
      .first()
      .waitFor();
    await result.getByText('Carol phone', { exact: false }).first().waitFor();

    // The admin sees the look in the server-wide list, with the serial lookup before it.
    const looks = page.getByTestId('staff-looks');
    await looks
      .locator('tr', { hasText: 'ticket 4242: lost phone' })
      .getByText('carol@example.com')
      .waitFor();
    await looks.getByText('warranty claim 17').waitFor();

    const activity = await carol.client.get<{ items: { kind: string; detail: Record<string, unknown> }[] }>(
      '/api/activity',
    );
    const look = activity.body.items.find((i) => i.kind === 'staff.accessed');
    expect(look?.detail['reason']).toBe('ticket 4242: lost phone');

    const [context, carolPage] = await browse(browser, `${server.url}/security`, carol.client.token ?? '');
    try {
      const entry = carolPage.locator('.activity__item', { hasText: 'Support staff looked at your records' });
      await entry.getByText(/Reason given: “ticket 4242: lost phone”/).waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows the trash retention the server is configured with', async () => {
    const photo = await admin.client.uploadOk(corpusFile('cameras/gopro-hero6-8x8.jpg'));
    expect((await admin.client.post(`/api/photos/${photo.id}/trash`)).status).toBe(200);
    await page.goto(`${server.url}/trash`);
    await page.getByText('9 days left').waitFor();
  });

  it('fits a phone-sized window', async () => {
    const [context, phone] = await browse(browser, `${server.url}/admin`, admin.client.token ?? '', PHONE);
    try {
      await phone.getByTestId('accounts').waitFor();
      await phone.locator('.nav--bottom').getByRole('link', { name: 'Admin' }).waitFor();
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.screenshot({ path: path.join(SHOTS, 'admin-phone.png') });
      expect(await seriousAxeViolations(phone)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('names the name field of another person’s account "Name", not "Your name"', async () => {
    await page.goto(`${server.url}/admin`);
    const table = page.getByTestId('accounts');
    await table.locator('[data-email="carol@example.com"]').waitFor();
    const create = page.getByRole('region', { name: 'Create an account' });
    await create.getByLabel('Name', { exact: true }).waitFor();
    expect(await create.getByText('Your name').count()).toBe(0);
    expect(await table.getByRole('columnheader').allInnerTexts()).toContain('Name');
    expect(await table.getByText('Your name').count()).toBe(0);
  });

  it('keeps each e-mail address of the accounts table whole on a phone', async () => {
    const [context, phone] = await browse(browser, `${server.url}/admin`, admin.client.token ?? '', PHONE);
    try {
      const table = phone.getByTestId('accounts');
      await table.locator('[data-email="carol@example.com"]').waitFor();
      await table.screenshot({ path: path.join(SHOTS, 'admin-phone-accounts.png') });
      // Each piece of text of each e-mail cell is laid out on one line: an address may wrap after its "@" (where
      // the app lets it), never inside "example.com".
      const cells = await phone.evaluate<{ text: string; pieces: string[]; broken: string[] }[]>(`
        [...document.querySelectorAll('[data-testid="accounts"] tr')].map((row) => {
          const cell = row.cells[0];
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          const pieces = [];
          const broken = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            pieces.push(node.textContent);
            if (tops.size > 1) broken.push(node.textContent);
          }
          return { text: cell.innerText.replace(/\\s+/g, ''), pieces, broken };
        })
      `);
      expect(cells.length).toBeGreaterThanOrEqual(4);
      expect(cells[0]).toMatchObject({ text: 'E-mail', broken: [] });
      for (const cell of cells.slice(1)) {
        expect(cell.text).toMatch(/^[^@\s]+@example\.com$/);
        expect(cell.broken, `${cell.text} broken inside a word (${cell.pieces.join(' | ')})`).toEqual([]);
      }
      // Nothing is left to scroll to: the table fits the phone.
      const fit = await phone.evaluate<{ width: number; room: number }>(`(() => {
        const table = document.querySelector('[data-testid="accounts"]');
        return { width: table.getBoundingClientRect().width, room: table.parentElement.clientWidth };
      })()`);
      expect(fit.width).toBeLessThanOrEqual(fit.room);
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  it('gives support staff the fleet and support pages only, and everyone else nothing', async () => {
    const dave = await signIn(server.url, 'dave@example.com');
    const [staffContext, staffPage] = await browse(browser, `${server.url}/admin`, dave.client.token ?? '');
    try {
      await staffPage
        .getByRole('heading', { name: 'Administration', level: 1 })
        .waitFor()
        .catch(async (err: unknown) => {
          await staffPage.screenshot({ path: path.join(SHOTS, 'admin-staff-failed.png') });
          throw err;
        });
      await staffPage.getByRole('region', { name: 'Device history by serial' }).waitFor();
      expect(await staffPage.getByRole('link', { name: 'Accounts' }).count()).toBe(0);
      expect(await staffPage.getByRole('region', { name: 'Import records' }).count()).toBe(0);
      expect(await staffPage.getByTestId('fleet-imports').count()).toBe(0);
      // Support staff cannot list accounts: they name one by e-mail, with a reason.
      await staffPage.getByRole('link', { name: 'Support access' }).click();
      await staffPage.getByLabel('Account e-mail').fill('carol@example.com');
      await staffPage.getByLabel(/^Reason/).fill('ticket 5000: e-mail lookup');
      await staffPage.getByRole('button', { name: 'Look', exact: true }).click();
      await staffPage
        .getByTestId('support-result')
        .getByText(/You looked at the device histories of carol@example.com/)
        .waitFor();
      expect(await staffPage.getByTestId('staff-looks').count()).toBe(0);
      expect(await seriousAxeViolations(staffPage)).toEqual([]);
    } finally {
      await staffContext.close();
    }
    expect((await dave.client.get('/api/admin/accounts')).status).toBe(403);

    const [context, userPage] = await browse(browser, `${server.url}/`, carol.client.token ?? '');
    try {
      await userPage.getByRole('link', { name: 'Photos' }).first().waitFor();
      expect(await userPage.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await userPage.goto(`${server.url}/admin/fleet`);
      await userPage.getByTestId('admin-forbidden').waitFor();
      expect(await userPage.getByRole('region', { name: 'Import records' }).count()).toBe(0);
    } finally {
      await context.close();
    }
    expect((await carol.client.get('/api/admin/accounts')).status).toBe(403);
    expect(
      (await carol.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'open' })).status,
    ).toBe(403);
    const csv = new TextEncoder().encode('serial,model,batch,ship_date,shipped_to\nSN-X,P,B,2024-01-01,V\n');
    expect(
      (await carol.client.call('POST', '/api/fleet/imports/shipments', csv, { 'content-type': 'text/csv' }))
        .status,
    ).toBe(403);
    // Not staff: another serial or account is refused (403) or not found (404), never shown.
    expect([403, 404]).toContain(
      (await carol.client.get('/api/fleet/devices/SN-OTHER-2/history?reason=curious')).status,
    );
    expect([403, 404]).toContain(
      (await carol.client.get(`/api/fleet/accounts/${admin.account.id}/devices?reason=curious`)).status,
    );
  }, 90_000);
});
