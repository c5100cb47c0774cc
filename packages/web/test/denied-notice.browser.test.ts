/**
 * A browser waiting to be let in, in Chromium, when a trusted device answers "Deny": it hears so at once over the
 * live channel and says it was refused (not "removed"), without polling into 401s or asking the server to sign
 * out a session that is already over.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, PASSWORD, type SignedIn } from '../../server/test/support/api.ts';
import { desktopContext, startBrowserFixture, type BrowserFixture } from './support/accounts.ts';
import { SHOTS } from './support/browser.ts';

const EMAIL = 'denied@example.com';

/** Every failed API answer and console error of `page`, from now on. */
function watchFailures(page: Page): { failed: string[]; console: string[] } {
  const seen = { failed: [] as string[], console: [] as string[] };
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().includes('/api/'))
      seen.failed.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') seen.console.push(m.text());
  });
  return seen;
}

describe('a waiting browser denied by a trusted device, in Chromium', () => {
  let fixture: BrowserFixture;
  let admin: SignedIn;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    fixture = await startBrowserFixture();
    admin = await adminSession(fixture.server.url, EMAIL);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await fixture?.close();
  }, 60_000);

  it('says it was refused, with no failing requests', async () => {
    const { context, page } = await desktopContext(fixture.browser);
    contexts.push(context);
    await page.goto(fixture.server.url);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Approve this browser' }).waitFor();
    // Two polls of the waiting screen go by (it has settled in, its live channel open), then the owner denies.
    for (let i = 0; i < 2; i++) await page.waitForResponse((r) => r.url().endsWith('/api/auth/enrolment'));
    const seen = watchFailures(page);

    const requests = await admin.client.get<{ items: { id: string }[] }>('/api/enrolments');
    const [request] = requests.body.items;
    if (!request) throw new Error('no waiting request');
    expect((await admin.client.post(`/api/enrolments/${request.id}/deny`)).status).toBe(200);

    await page.getByText('A trusted device refused to let this browser in.').waitFor({ timeout: 8_000 });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('removed from your devices').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'pending-denied.png') });
    // Two poll periods later, still nothing asked the server with the dead session.
    await page.waitForTimeout(4_500);
    expect(seen.failed).toEqual([]);
    expect(seen.console).toEqual([]);
    expect(await page.evaluate<string | null>(`localStorage.getItem('shoebox.token')`)).toBeNull();
  }, 60_000);
});
