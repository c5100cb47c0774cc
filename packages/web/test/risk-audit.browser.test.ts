/**
 * Risk flags and the in-browser audit verification in Chromium against a real server: a sign-in from far away shows
 * its flags in the approval banner, on the devices page and in the activity; the security page verifies each shown
 * entry and the checkpoint against the one this browser kept, and raises a loud alarm when the server's answers are
 * tampered with (proofs, checkpoint signature, history, key).
 */
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, deviceDescription, signIn, type SignedIn } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

// Real DB-IP places through the trusted test proxy: Beijing, and Shenzhen ~1,930 km away.
const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';
const WITNESS = 'shoebox.audit.witness';

interface Witness {
  verifierKey: string;
  size: number;
  root: string;
}

describe('risk flags and audit verification in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: SignedIn;
  let stranger: SignedIn;
  let page: Page;

  const witness = async () =>
    JSON.parse(await page.evaluate<string>(`localStorage.getItem('${WITNESS}')`)) as Witness;
  const setWitness = (w: Witness) =>
    page.evaluate(`localStorage.setItem('${WITNESS}', ${JSON.stringify(JSON.stringify(w))})`);
  const openSecurity = async () => {
    await page.goto(`${server.url}/security`);
    await page.getByTestId('activity').waitFor();
  };
  const alarm = () => page.getByTestId('audit-alarm');

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    await createAccount(server.url, 'owner@example.com');
    owner = await signIn(server.url, 'owner@example.com', deviceDescription('Pixel 8'), BEIJING);
    stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Redmi K40'), SHENZHEN);
    expect(stranger.response.device.riskFlags).toEqual(['impossible-travel', 'concurrent-far-session']);
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('shows the risk flags of a waiting device in the approval banner and on the devices page', async () => {
    await page.goto(`${server.url}/`);
    const banner = page.getByRole('alert', { name: 'New device approval' });
    await banner.getByText('Impossible travel').waitFor();
    await banner.getByText('Distant session in use').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'risk-banner.png') });

    await page.getByRole('link', { name: 'Devices' }).first().click();
    const request = page.locator('.device--request', { hasText: 'Redmi K40' });
    await request.getByText('Impossible travel').waitFor();
    await request.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    const card = page.locator('.device', { hasText: 'Redmi K40' });
    await card.getByText('Distant session in use').waitFor();
    expect(await page.locator('.device', { hasText: 'Pixel 8' }).getByTestId('risk-flags').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('verifies every shown activity entry and the checkpoint in the browser, and keeps the checkpoint', async () => {
    await openSecurity();
    await page
      .getByTestId('audit-ok')
      .getByText(/Verified in this browser/)
      .waitFor();
    const states = await page.getByTestId('audit-state').allTextContents();
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(states.filter((s) => s === 'Verified').length).toBeGreaterThan(0);
    expect(states).not.toContain('FAILED');
    const entry = page.locator('.activity__item', { hasText: 'Redmi K40' }).filter({ hasText: 'Signed in' });
    await entry.getByText('Impossible travel').waitFor();
    await page
      .locator('section', { has: page.locator('#sec-activity') })
      .screenshot({ path: path.join(SHOTS, 'security-audit-verified.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    const kept = await witness();
    expect(kept.size).toBeGreaterThan(0);

    // Later, the log has grown: the new checkpoint must extend the kept one (consistency proof).
    await stranger.client.post('/api/auth/sign-out');
    await expect
      .poll(async () => (await owner.client.get<{ size: number }>('/api/audit/checkpoint')).body.size)
      .toBeGreaterThan(kept.size);
    await openSecurity();
    await page
      .getByTestId('audit-ok')
      .getByText(`extends the one of ${kept.size} seen here before`, { exact: false })
      .waitFor();
    expect((await witness()).size).toBeGreaterThan(kept.size);
  });

  it('raises an alarm when an inclusion proof is tampered with in transit', async () => {
    const tamper = async (route: Route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { proof: string[]; leaf: string };
      const first = body.proof[0];
      if (first) body.proof[0] = (first.startsWith('A') ? 'B' : 'A') + first.slice(1);
      else body.leaf = (body.leaf.startsWith('A') ? 'B' : 'A') + body.leaf.slice(1);
      await route.fulfill({ response, json: body });
    };
    await page.route('**/api/audit/proofs/inclusion**', tamper);
    try {
      await openSecurity();
      await alarm().getByText('Warning: the activity log failed verification').waitFor();
      await alarm()
        .getByText(/not in the signed log, or were altered/)
        .waitFor();
      expect(await page.getByTestId('audit-state').filter({ hasText: 'FAILED' }).count()).toBeGreaterThan(0);
      await page
        .locator('section', { has: page.locator('#sec-activity') })
        .screenshot({ path: path.join(SHOTS, 'security-audit-alarm.png') });
    } finally {
      await page.unroute('**/api/audit/proofs/inclusion**', tamper);
    }
  });

  it('raises an alarm when the checkpoint signature, the history or the signing key is not what this browser kept', async () => {
    await openSecurity();
    await page.getByTestId('audit-ok').waitFor();
    const good = await witness();

    const forge = async (route: Route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { note: string };
      body.note = body.note.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`);
      await route.fulfill({ response, json: body });
    };
    await page.route('**/api/audit/checkpoint', forge);
    try {
      await openSecurity();
      await alarm().getByText('The server’s checkpoint signature does not verify.').waitFor();
    } finally {
      await page.unroute('**/api/audit/checkpoint', forge);
    }

    // A kept checkpoint of the same or a smaller size with another root: the server rewrote history (or, when the
    // log has grown and still extends an older checkpoint kept here, went back to it and grew along another branch).
    await setWitness({ ...good, root: Buffer.alloc(32, 7).toString('base64') });
    await openSecurity();
    await alarm()
      .getByText(
        /two different logs of the same size|its history was rewritten|grown since along another history/,
      )
      .waitFor();

    await setWitness({ ...good, size: good.size + 1000 });
    await openSecurity();
    await alarm()
      .getByText(/shorter than the one this browser verified before/)
      .waitFor();

    await setWitness({ ...good, verifierKey: good.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+') });
    await openSecurity();
    await alarm()
      .getByText(/signs its log with a different key/)
      .waitFor();

    // With the right checkpoint kept again, all is well.
    await setWitness(good);
    await openSecurity();
    await page.getByTestId('audit-ok').waitFor();
    expect(await alarm().count()).toBe(0);
  });
  it('says each activity in the chosen language, and removes a device from its entry ("This wasn\'t me")', async () => {
    await openSecurity();
    await page.getByLabel('Language').selectOption('zh-CN');
    const signedIn = page.locator('.activity__item', { hasText: 'Redmi K40' }).filter({ hasText: '已登录' });
    await signedIn.getByText('不可能的行程').waitFor();
    await page
      .getByTestId('audit-ok')
      .getByText(/已在本浏览器中验证/)
      .waitFor();
    await page.getByLabel('语言').selectOption('en');

    const entry = page.locator('.activity__item', { hasText: 'Redmi K40' }).filter({ hasText: 'Signed in' });
    expect(
      await page
        .locator('.activity__item', { hasText: 'Pixel 8' })
        .getByRole('button', { name: "This wasn't me" })
        .count(),
    ).toBe(0);
    await entry.getByRole('button', { name: "This wasn't me" }).click();
    const confirm = page.getByRole('dialog', { name: "This wasn't me" });
    await confirm.getByText(/removes “Redmi K40” at once/).waitFor();
    await confirm.getByRole('button', { name: 'Remove that device and lock new sign-ins' }).click();
    await page.getByText(/Done: the device is removed/).waitFor();
    const devices = await owner.client.get<{ items: { id: string; status: string }[] }>('/api/devices');
    expect(devices.body.items.find((d) => d.id === stranger.deviceId)?.status).toBe('removed');
  });

  it('a check that could not be made says so, and "Check again" makes it', async () => {
    const fail = (route: Route) => route.abort('failed');
    await page.route('**/api/audit/checkpoint', fail);
    try {
      await openSecurity();
      await page.getByText(/Could not verify the activity log/).waitFor();
      expect(await page.getByTestId('audit-ok').count()).toBe(0);
      expect(await alarm().count()).toBe(0);
    } finally {
      await page.unroute('**/api/audit/checkpoint', fail);
    }
    await page.getByRole('button', { name: 'Check again' }).click();
    await page
      .getByTestId('audit-ok')
      .getByText(/Verified in this browser/)
      .waitFor();
    expect(await page.getByText(/Could not verify the activity log/).count()).toBe(0);
    expect(await alarm().count()).toBe(0);
  });
});
