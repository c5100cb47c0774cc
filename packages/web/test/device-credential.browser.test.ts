/**
 * The device credential in Chromium against a real server: a trusted browser signs in again without approval
 * because it shows its credential (replaced each time), a browser holding only a copy of its installation id
 * is given an id of its own and waits for approval as a new device, and a browser trusted before credentials existed gets one on start.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  createAccount,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { desktopContext, startBrowserFixture, type BrowserFixture } from './support/accounts.ts';

const CREDENTIALS = 'shoebox.deviceCredentials';
const INSTALLATION = 'shoebox.installationId';

type Held = { byEmail: Record<string, string>; last: string | null };
const held = async (page: Page) =>
  JSON.parse(
    (await page.evaluate<string | null>(`localStorage.getItem('${CREDENTIALS}')`)) ?? 'null',
  ) as Held | null;

async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Forgets the session (not the device): the next page shows the sign-in form. */
async function dropSession(page: Page): Promise<void> {
  await page.evaluate(`localStorage.removeItem('shoebox.token')`);
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

describe('device credentials in Chromium', () => {
  let fixture: BrowserFixture;
  let admin: SignedIn;

  beforeAll(async () => {
    fixture = await startBrowserFixture();
    admin = await adminSession(fixture.server.url, 'admin@example.com');
  }, 120_000);

  afterAll(() => fixture?.close(), 60_000);

  it('signs in again without approval with its credential; a copied installation id waits', async () => {
    const url = fixture.server.url;
    const email = 'ada@example.com';
    await createAccount(url, email, admin.client);
    const { context, page } = await desktopContext(fixture.browser);
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    await page.goto(url);
    await signInThroughForm(page, email);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    const first = (await held(page))?.byEmail[email] ?? '';
    expect(first).toMatch(/^[\w-]{43}$/);

    await dropSession(page);
    await signInThroughForm(page, email);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    const second = (await held(page))?.byEmail[email] ?? '';
    expect(second).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(logged.filter((line) => line.includes(first) || line.includes(second))).toEqual([]);

    // Another browser with this one's installation id, but not its credential: a new device to approve.
    const installationId = await page.evaluate<string>(`localStorage.getItem('${INSTALLATION}')`);
    const copy = await desktopContext(fixture.browser);
    await copy.page.addInitScript(
      `localStorage.setItem('${INSTALLATION}', ${JSON.stringify(installationId)})`,
    );
    await copy.page.goto(url);
    await signInThroughForm(copy.page, email);
    await copy.page.getByRole('heading', { name: 'Approve this browser' }).waitFor();
    // It is told an id of its own and keeps it; the first browser keeps its own id and its trusted session.
    const adopted = await copy.page.evaluate<string>(`localStorage.getItem('${INSTALLATION}')`);
    expect(adopted).toMatch(/^[0-9a-f-]{36}$/);
    expect(adopted).not.toBe(installationId);
    await page.reload();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    expect(await page.evaluate<string>(`localStorage.getItem('${INSTALLATION}')`)).toBe(installationId);
    await copy.context.close();
    await context.close();
  }, 120_000);

  it('gives a browser trusted before credentials existed its credential on start', async () => {
    const url = fixture.server.url;
    const email = 'old-browser@example.com';
    await createAccount(url, email, admin.client);
    const device = deviceDescription('Chrome on Linux');
    const before = await signIn(url, email, device);
    await fixture.server.database.db
      .updateTable('devices')
      .set({ credential_hash: null })
      .where('id', '=', before.deviceId)
      .execute();
    const { context, page } = await desktopContext(fixture.browser);
    // The browser that signed in then: its installation id and session, set once (not again on reload).
    await page.addInitScript(
      `if (!localStorage.getItem('${INSTALLATION}')) {
        localStorage.setItem('${INSTALLATION}', ${JSON.stringify(device.installationId)});
        localStorage.setItem('shoebox.token', ${JSON.stringify(before.client.token)});
      }`,
    );
    await page.goto(url);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await expect.poll(async () => (await held(page))?.byEmail[email] ?? '').toMatch(/^[\w-]{43}$/);

    await dropSession(page);
    await signInThroughForm(page, email);
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await context.close();
  }, 120_000);
});
