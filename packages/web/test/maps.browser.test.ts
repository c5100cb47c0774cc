/**
 * The offline world maps in Chromium against a real server with the real IP database: the approval prompt shows
 * where the new device is, and the sign-in activity maps its places with successes and failures told apart by
 * shape, zoomed when close together, the whole world when not; in English and Simplified Chinese. No map tiles:
 * the test fails if the page asks any other host for anything.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage } from '@shoebox/shared';
import {
  createAccount,
  deviceDescription,
  signIn,
  TestClient,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

// Real DB-IP places through the trusted test proxy.
const BEIJING = '162.105.1.1';
const NANSHAN = '210.39.1.1'; // Nanshan, Shenzhen
const LONDON = '81.2.69.160';
const EMAIL = 'maps@example.com';
const LAPTOP = deviceDescription('Laptop');

/** The markers the activity map should draw: one per place and outcome of the sign-ins the API lists. */
async function expectedMarkers(owner: SignedIn): Promise<string[]> {
  const items = (await owner.client.get<ActivityPage>('/api/activity?limit=100')).body.items;
  const keys = items
    .filter((i) => i.kind === 'sign-in.succeeded' || i.kind === 'sign-in.failed')
    .filter((i) => i.place?.latitude != null && i.place.longitude != null)
    .map((i) => `${i.kind === 'sign-in.failed' ? 'failure' : 'success'} ${i.place?.city}`);
  return [...new Set(keys)].sort();
}

async function drawnMarkers(map: ReturnType<Page['getByRole']>): Promise<string[]> {
  const markers = map.getByTestId('map-marker');
  const out: string[] = [];
  for (let i = 0; i < (await markers.count()); i++) {
    const marker = markers.nth(i);
    const title = (await marker.locator('title').textContent()) ?? '';
    out.push(`${await marker.getAttribute('data-kind')} ${title.split(/[,，:：]/)[0]}`);
  }
  return out.sort();
}

describe('offline world maps in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: SignedIn;
  const foreign: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    await createAccount(server.url, EMAIL);
    owner = await signIn(server.url, EMAIL, LAPTOP, BEIJING);
    const wrong = new TestClient(server.url, undefined, NANSHAN);
    for (let i = 0; i < 2; i++) {
      const reply = await wrong.post('/api/auth/sign-in', {
        email: EMAIL,
        password: 'not-the-password',
        device: deviceDescription('Unknown'),
      });
      expect(reply.status).toBe(401);
    }
    const pending = await signIn(server.url, EMAIL, deviceDescription('Redmi K40'), NANSHAN);
    expect(pending.response.device.status).toBe('pending');
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const origin = new URL(server.url).origin;
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:'))
        foreign.push(request.url());
    });
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('shows where a new device is on a small map in the approval prompt', async () => {
    await page.goto(server.url);
    const banner = page.getByRole('alert', { name: 'New device approval' });
    await banner.getByText('“Redmi K40 (TestModel)” wants to sign in to your account').waitFor();
    const map = banner.getByRole('img', {
      name: 'Map of where “Redmi K40” is asking from: Nanshan, Guangdong, China',
    });
    await map.getByTestId('map-marker').first().waitFor();
    expect(await map.getByTestId('map-marker').count()).toBe(1);
    expect(await map.getByTestId('map-marker').getAttribute('data-kind')).toBe('request');
    expect(await map.locator('[data-testid=map-marker] title').textContent()).toBe(
      'Nanshan, Guangdong, China',
    );
    // One place: zoomed in on southern China, not the whole world.
    expect(await map.getAttribute('data-zoomed')).toBe('true');
    expect(await banner.getByTestId('banner-facts').innerText()).toContain('Nanshan, Guangdong, China');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'approval-banner-map.png') });
  });

  it('fits the prompt and its map on a phone screen', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-GB',
      timezoneId: 'UTC',
      isMobile: true,
      hasTouch: true,
    });
    try {
      const small = await phone.newPage();
      await small.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`,
      );
      await small.goto(server.url);
      const banner = small.getByRole('alert', { name: 'New device approval' });
      const map = banner.getByRole('img', { name: /^Map of where “Redmi K40” is asking from/ });
      await map.getByTestId('map-marker').first().waitFor();
      const box = await map.boundingBox();
      expect(box).not.toBeNull();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
      expect(box?.width).toBeGreaterThan(200);
      await banner.getByRole('button', { name: 'Allow', exact: true }).waitFor();
      await small.screenshot({ path: path.join(SHOTS, 'approval-banner-map-phone.png') });
    } finally {
      await phone.close();
    }
  });

  it('shows the map on the waiting request of the devices page', async () => {
    await page.getByRole('link', { name: 'Devices' }).first().click();
    const request = page.locator('.device--request', { hasText: 'Redmi K40' });
    const map = request.getByRole('img', { name: /^Map of where “Redmi K40” is asking from: Nanshan/ });
    await map.getByTestId('map-marker').first().waitFor();
    expect(await map.getByTestId('map-marker').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'devices-request-map.png'), fullPage: true });
  });

  it('maps the sign-in places, successes as dots and failures as crosses, zoomed when close together', async () => {
    await page.goto(`${server.url}/security`);
    const section = page.getByTestId('sign-in-map');
    const map = section.getByRole('img', { name: /^Map of sign-in places: / });
    await map.getByTestId('map-marker').first().waitFor();
    const expected = await expectedMarkers(owner);
    expect(expected).toEqual(expect.arrayContaining(['success Beijing', 'failure Nanshan']));
    expect(await drawnMarkers(map)).toEqual(expected);
    const name = (await map.getAttribute('aria-label')) ?? '';
    expect(name).toContain('Nanshan, Guangdong, China: 2 failed sign-ins');
    expect(name).toContain('Beijing, China: 1 sign-in');
    // A failure is a cross (paths), a success a dot (circle): told apart by shape, not only colour.
    const failure = map.locator('[data-testid=map-marker][data-kind=failure]');
    expect(await failure.locator('path').count()).toBeGreaterThan(0);
    expect(await failure.locator('circle').count()).toBe(0);
    expect(await map.locator('[data-kind=success] circle').count()).toBeGreaterThan(0);
    await section.getByText('Failed sign-in', { exact: true }).waitFor();
    await section.getByText('Signed in', { exact: true }).waitFor();
    expect(await map.getAttribute('data-zoomed')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await section.screenshot({ path: path.join(SHOTS, 'security-sign-in-map.png') });
  });

  it('shows the whole world when a sign-in comes from far away', async () => {
    // The same laptop, travelling: trusted already, so no new request joins the prompt.
    const travelling = await signIn(server.url, EMAIL, LAPTOP, LONDON);
    expect(travelling.response.device.status).toBe('trusted');
    await page.reload();
    const map = page.getByTestId('sign-in-map').getByRole('img', { name: /^Map of sign-in places: / });
    await map.getByTestId('map-marker').first().waitFor();
    expect(await drawnMarkers(map)).toEqual(await expectedMarkers(owner));
    expect(await drawnMarkers(map)).toContain('success London');
    expect(await map.getAttribute('data-zoomed')).toBe('false');
    await page
      .getByTestId('sign-in-map')
      .screenshot({ path: path.join(SHOTS, 'security-sign-in-map-world.png') });
  });

  it('names the places in Simplified Chinese, and never fetched anything from another host', async () => {
    const zh = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const zhPage = await zh.newPage();
      await zhPage.addInitScript(
        `localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`,
      );
      await zhPage.goto(`${server.url}/security`);
      const map = zhPage.getByTestId('sign-in-map').getByRole('img', { name: /^登录地点地图：/ });
      await map.getByTestId('map-marker').first().waitFor();
      const name = (await map.getAttribute('aria-label')) ?? '';
      expect(name).toContain('Nanshan，Guangdong，中国：2 次登录失败');
      expect(name).toContain('英国');
      await zhPage.getByTestId('sign-in-map').getByText('登录失败', { exact: true }).waitFor();
      const banner = zhPage.getByRole('alert', { name: '新设备审批' });
      await banner
        .getByRole('img', { name: /^“Redmi K40”发出请求的位置地图：Nanshan，Guangdong，中国/ })
        .waitFor();
      expect(await seriousAxeViolations(zhPage)).toEqual([]);
      await zhPage.screenshot({ path: path.join(SHOTS, 'approval-banner-map-zh.png') });
      await zhPage
        .getByTestId('sign-in-map')
        .screenshot({ path: path.join(SHOTS, 'security-sign-in-map-zh.png') });
    } finally {
      await zh.close();
    }
    expect(foreign).toEqual([]);
  });
});
