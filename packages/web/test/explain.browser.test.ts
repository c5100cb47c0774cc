/**
 * The explain report page in Chromium against a real server: an account with two devices (the second let in through
 * the approval flow), uploads from both, the first device's sync acknowledgement delivering the second's photos.
 * /devices/:id/explain names the other device and its sign-in, draws a lane per device with marks for the uploads,
 * links every citation to its entry (checked in the browser), speaks Chinese, passes axe, fits a phone; the devices
 * page and the viewer link to it.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  deviceDescription,
  distinctCopy,
  eventually,
  signIn,
  TestClient,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'owner@example.com';
// Real DB-IP places (through the trusted test proxy): Beijing, and Nanshan (Shenzhen), ~1,930 km away.
const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';
const PHONE = { width: 390, height: 844 };
const photo = (name: string, marker: string) => distinctCopy(corpusFile(name), marker);

describe('explain report page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let laptop: SignedIn;
  let phone: SignedIn;
  let context: BrowserContext;
  let page: Page;
  let phonePhotoId: string;

  const sumCounts = async (lane: string) => {
    let sum = 0;
    for (const rect of await page.locator(`[data-lane="${lane}"] .chart__upload`).all())
      sum += Number(await rect.getAttribute('data-count'));
    return sum;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    await createAccount(server.url, EMAIL);
    laptop = await signIn(server.url, EMAIL, deviceDescription('Work laptop'), BEIJING);
    // Minutes later from Shenzhen while the laptop is in use in Beijing: a flagged sign-in, let in by the laptop.
    const pending = await signIn(server.url, EMAIL, deviceDescription('Zhang’s Redmi'), SHENZHEN);
    expect(pending.response.device.riskFlags).toEqual(['impossible-travel', 'concurrent-far-session']);
    const requests = await laptop.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === pending.deviceId);
    const allowed = await laptop.client.post<{ code: string }>(`/api/enrolments/${request?.id}/allow`);
    expect(
      (await pending.client.post('/api/auth/enrolment/complete', { code: allowed.body.code })).status,
    ).toBe(200);
    // Its uploads come straight from the test, with no forwarded address (so from no place).
    phone = { ...pending, client: new TestClient(server.url, pending.client.token) };
    const start = (await laptop.client.get<{ head: string }>('/api/sync/state')).body.head;
    phonePhotoId = (await phone.client.uploadOk(photo('cameras/nikon-d3100-gps.jpg', 'a'))).id;
    const fromBeijing = new TestClient(server.url, phone.client.token, BEIJING);
    await fromBeijing.uploadOk(photo('cameras/casio-ex-z3.jpg', 'b'));
    await laptop.client.uploadOk(photo('cameras/canon-eos7d.jpg', 'c'));
    // The laptop applies the feed and says so: the phone's photos are then delivered to it.
    const feed = await laptop.client.get<{ cursor: string; changes: unknown[] }>(
      `/api/sync/changes?cursor=${start}&limit=100`,
    );
    const ack = await laptop.client.post('/api/sync/ack', {
      cursor: feed.body.cursor,
      kind: 'changes',
      count: feed.body.changes.length,
    });
    expect(ack.status).toBe(200);
    // Every citation is then inside a signed checkpoint (the server signs within a second of growth).
    const report = await laptop.client.get<{ logSize: number }>('/api/explain');
    await eventually(
      async () => {
        const size = (await laptop.client.get<{ size: number }>('/api/audit/checkpoint')).body.size;
        return size >= report.body.logSize ? size : undefined;
      },
      20_000,
      'a checkpoint covering the report',
    );
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(laptop.client.token)})`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('explains what is on a device: the other device and its sign-in, a lane per device, cited entries', async () => {
    await page.goto(`${server.url}/devices`);
    const card = page.locator('.device', { hasText: 'Work laptop' });
    await card.getByRole('link', { name: 'Explain what is on “Work laptop”' }).click();
    await page.waitForURL(`**/devices/${laptop.deviceId}/explain`);
    await page.getByRole('heading', { name: 'Why these photos are on “Work laptop”' }).waitFor();

    // Findings come first; a sound library has no anomaly.
    const headings = await page.locator('.explain-page h2').allTextContents();
    expect(headings[0]).toBe('Findings');
    await page.getByText('No anomalies: every photo is explained by the audit log.').waitFor();
    // Photos from another device are for the owner to check, not a fault: not headed "Warning" under that line.
    const otherFinding = page.getByTestId('explain-findings').locator('li[data-code="other-device-uploads"]');
    expect(await otherFinding.locator('.finding__severity').textContent()).toBe('Check');

    const groups = page.getByTestId('explain-group');
    const other = groups.filter({ hasText: 'Uploaded from another of your devices · Zhang’s Redmi' });
    await other.waitFor();
    expect(await other.innerText()).toMatch(/Approved by\s+Work laptop/);
    expect(await other.innerText()).toContain('2 photos');
    expect(await other.innerText()).toContain('Delivered to “Work laptop”: 2 photos');
    expect(await other.innerText()).toContain('Beijing, China: 1 photo');
    // The phone's sign-in was unusual: its risk flags, named and explained.
    const flags = other.getByRole('list', { name: 'Unusual sign-in' });
    expect(await flags.getByRole('listitem').allInnerTexts()).toEqual([
      'Impossible travel',
      'Distant session in use',
    ]);
    expect(await flags.getByRole('listitem').first().getAttribute('title')).toMatch(/^Too far from/);
    const own = groups.filter({ hasText: 'Uploaded from this device' });
    expect(await own.getByTestId('risk-flags').count()).toBe(0);
    await groups.filter({ hasText: 'Uploaded from this device' }).waitFor();

    // The chart: one lane per device of the account, the uploads counted on each, the phone's sign-in and approval.
    const chart = page.getByTestId('explain-chart');
    expect(await chart.locator('[data-lane]').count()).toBe(2);
    expect(await sumCounts(phone.deviceId)).toBe(2);
    expect(await sumCounts(laptop.deviceId)).toBe(1);
    const phoneLane = chart.locator(`[data-lane="${phone.deviceId}"]`);
    expect(await phoneLane.locator('[data-kind="sign-in"]').count()).toBeGreaterThan(0);
    expect(await phoneLane.locator('[data-kind="approval"]').count()).toBe(1);
    const label = (await chart.getByRole('img').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Timeline of 2 devices: .*3 uploads/);
    await chart.getByText('Show the timeline as a table').click();
    await chart
      .getByTestId('explain-chart-table')
      .getByRole('rowheader', { name: 'Zhang’s Redmi' })
      .waitFor();

    await page.screenshot({ path: path.join(SHOTS, 'explain-device.png') });
    await chart.screenshot({ path: path.join(SHOTS, 'explain-chart.png') });
    await other.screenshot({ path: path.join(SHOTS, 'explain-group.png') });

    // Each citation links to its entry at the foot of the page, checked against the signed log here.
    const links = page.locator('a.cite');
    expect(await links.count()).toBeGreaterThan(3);
    const href = (await links.first().getAttribute('href')) ?? '';
    expect(href).toMatch(/^#entry-\d+$/);
    const entries = page.getByTestId('explain-entries');
    expect(await entries.locator(href).count()).toBe(1);
    await page.getByText(/Each entry was checked in this browser/).waitFor();
    const states = await entries.locator('.audit-state').allTextContents();
    expect(states.length).toBeGreaterThan(3);
    expect(new Set(states)).toEqual(new Set(['Verified']));
    await links.first().click();
    await expect.poll(() => page.evaluate<string>('window.location.hash')).toBe(href);
    expect(await entries.locator(href).innerText()).toMatch(/Verified/);
    const seq = href.slice('#entry-'.length);
    const inActivity = entries.locator(href).getByRole('link', { name: `Entry #${seq} in the activity log` });
    expect(await inActivity.getAttribute('href')).toBe(`/security?entry=${seq}`);

    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 90_000);

  it('reads in Simplified Chinese, with dates for the locale', async () => {
    await page.goto(`${server.url}/devices/${laptop.deviceId}/explain`);
    await page.getByTestId('explain-chart').waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '调查结论' }).waitFor();
    await page.getByRole('heading', { name: '时间线' }).waitFor();
    await page.getByRole('heading', { name: '照片从哪里来' }).waitFor();
    await page.getByRole('heading', { name: '这些照片为什么在“Work laptop”上' }).waitFor();
    const label = (await page.getByTestId('explain-chart').getByRole('img').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/2 台设备的时间线：.*3 次上传/);
    expect(label).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    // The server's findings, worded from their codes in Chinese, with the dates in the reader's format.
    const other = page.getByTestId('explain-findings').locator('li[data-code="other-device-uploads"]');
    await other.getByText(/张照片来自此账户的另一台设备“/).waitFor();
    expect(await other.innerText()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(await other.innerText()).not.toContain('came from another device');
    const flags = page.getByTestId('explain-group').getByRole('list', { name: '异常登录' });
    expect(await flags.getByRole('listitem').allInnerTexts()).toEqual(['不可能的行程', '远处有会话在使用']);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('语言').selectOption('en');
  }, 60_000);

  it('fits a phone, and explains one photo from the viewer', async () => {
    const narrow = await browser.newContext({ viewport: PHONE, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const small = await narrow.newPage();
      small.setDefaultTimeout(30_000);
      await small.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(laptop.client.token)})`,
      );
      await small.goto(`${server.url}/devices/${laptop.deviceId}/explain?scope=library`);
      const svg = small.getByTestId('explain-chart').getByRole('img');
      await svg.waitFor();
      const box = await svg.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
      const overflow = await small.evaluate<number>('document.documentElement.scrollWidth');
      expect(overflow).toBeLessThanOrEqual(PHONE.width);
      await svg.scrollIntoViewIfNeeded();
      await small.screenshot({ path: path.join(SHOTS, 'explain-phone.png') });
    } finally {
      await narrow.close();
    }

    await page.goto(`${server.url}/?view=${phonePhotoId}`);
    const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
    // The provenance names the sign-in the photo was uploaded under, with its risk flags.
    await viewer
      .getByTestId('provenance')
      .getByText(/signed in/i)
      .waitFor();
    expect(
      await viewer.getByRole('list', { name: 'Unusual sign-in' }).getByRole('listitem').allInnerTexts(),
    ).toEqual(['Impossible travel', 'Distant session in use']);
    await viewer.getByRole('link', { name: 'Open full report' }).click();
    await page.waitForURL(`**/photos/${phonePhotoId}/explain`);
    await page.getByRole('heading', { name: 'Why this photo is here' }).waitFor();
    const group = page.getByTestId('explain-group').filter({ hasText: 'Zhang’s Redmi' });
    await group.waitFor();
    expect(await group.getByTestId('risk-flags').innerText()).toMatch(/Impossible travel/);
    expect(await page.locator('a.cite').count()).toBeGreaterThan(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);
});
