/**
 * Albums and sharing, and the trash, in Chromium against a real server: create, rename, share with another account
 * (view / contribute), who added each photo, role change, unshare, leave, delete; trash days left, restore, delete
 * permanently, empty.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Album, Photo } from '@shoebox/shared';
import { adminSession, distinctCopy, userSession, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import type { Clock } from '../../server/src/platform/clock.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const DAY = 24 * 3600_000;
/** A server clock the test can move: photos trashed while it lags are "older" in the trash. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

async function browse(browser: Browser, url: string, token: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token)})`);
  await page.goto(url);
  return [context, page];
}

describe('albums, sharing and trash in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: SignedIn;
  let bob: SignedIn;
  let page: Page;
  const photos: Photo[] = [];
  let bobPhoto: Photo;
  let albumId = '';

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite', { clock }), launchChromium()]);
    alice = await adminSession(server.url, 'alice@example.com');
    bob = await userSession(server.url, alice.client, 'bob@example.com');
    const file = corpusFile('cameras/nikon-d3100-gps.jpg');
    for (const marker of ['a1', 'a2', 'a3', 'a4', 'a5'])
      photos.push(await alice.client.uploadOk(distinctCopy(file, marker)));
    bobPhoto = await bob.client.uploadOk(distinctCopy(file, 'bob'));
    [, page] = await browse(browser, `${server.url}/albums`, alice.client.token ?? '');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('creates and renames an album, and shares it with another account', async () => {
    await page.getByRole('button', { name: 'New album' }).click();
    const create = page.getByRole('dialog', { name: 'New album' });
    await create.getByLabel('Album name').fill('Holiday');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Holiday', level: 1 }).waitFor();
    albumId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    const added = await alice.client.post(`/api/albums/${albumId}/photos`, {
      photoIds: photos.slice(0, 3).map((p) => p.id),
    });
    expect(added.status).toBe(200);

    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename album' });
    await rename.getByLabel('Album name').fill('Holiday 2021');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Holiday 2021', level: 1 }).waitFor();
    expect((await alice.client.get<Album>(`/api/albums/${albumId}`)).body.name).toBe('Holiday 2021');

    await page.getByRole('button', { name: 'Share' }).first().click();
    const share = page.getByRole('dialog', { name: 'Sharing “Holiday 2021”' });
    await share.getByText('Not shared with anyone yet.').waitFor();
    await share.getByLabel('E-mail of a Shoebox account').fill('nobody@example.com');
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    await share.getByRole('alert').waitFor();
    await share.getByLabel('E-mail of a Shoebox account').fill('bob@example.com');
    await share.getByLabel('Can', { exact: true }).selectOption('contribute');
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    await share.locator('[data-email="bob@example.com"]').waitFor();
    expect(await share.getByLabel(/What .* can do/).inputValue()).toBe('contribute');
    await page.screenshot({ path: path.join(SHOTS, 'album-sharing.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await share.getByRole('button', { name: 'Close' }).click();
    await page
      .getByTestId('album-meta')
      .getByText(/Shared with 1 person/)
      .waitFor();

    const members = await bob.client.get<Album>(`/api/albums/${albumId}`);
    expect(members.status).toBe(200);
    expect(members.body.role).toBe('contribute');
  });

  it('shows who added each photo of a shared album, and what a member may do', async () => {
    const contributed = await bob.client.post(`/api/albums/${albumId}/photos`, { photoIds: [bobPhoto.id] });
    expect(contributed.status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Holiday 2021', level: 1 }).waitFor();
    await page.locator('.cell__badge', { hasText: 'Added by you' }).first().waitFor();
    expect(await page.locator('.cell__badge', { hasText: 'Added by you' }).count()).toBe(3);
    expect(await page.locator('.cell__badge', { hasText: /^Added by bob/ }).count()).toBe(1);

    const [bobContext, bobPage] = await browse(browser, `${server.url}/albums`, bob.client.token ?? '');
    try {
      await bobPage.getByText(/Shared by .* · Add photos/).waitFor();
      await bobPage.getByRole('link', { name: /Holiday 2021/ }).click();
      await bobPage.getByRole('heading', { name: 'Holiday 2021', level: 1 }).waitFor();
      await bobPage.getByRole('button', { name: 'Leave album' }).waitFor();
      expect(await bobPage.getByRole('button', { name: 'Rename' }).count()).toBe(0);
      expect(await bobPage.getByRole('button', { name: 'Delete album' }).count()).toBe(0);
      await bobPage.getByRole('button', { name: 'Members' }).click();
      const list = bobPage.getByRole('dialog', { name: 'Sharing “Holiday 2021”' });
      await list.locator('[data-email="bob@example.com"]').waitFor();
      expect(await list.getByRole('button', { name: /Stop sharing/ }).count()).toBe(0);
      await list.getByRole('button', { name: 'Close' }).click();

      // One of Alice's photos in Bob's viewer: whose device, but not where it was uploaded from (Alice's business).
      const albumPhotos = await bob.client.get<{ photoIds: string[] }>(`/api/albums/${albumId}/photos`);
      const hers = albumPhotos.body.photoIds.find((id) => id !== bobPhoto.id) ?? '';
      await bobPage.goto(`${server.url}/albums/${albumId}?view=${hers}`);
      const provenance = bobPage.getByRole('dialog', { name: 'Photo viewer' }).getByTestId('provenance');
      await expect.poll(() => provenance.innerText()).toMatch(/^Uploaded from .* on /);
      await bobPage.waitForLoadState('networkidle');
      expect(await provenance.innerText()).not.toMatch(/unknown place|Local network|127\.0\.0\.1/);
      await bobPage.keyboard.press('Escape');

      // The owner makes Bob a viewer: the server refuses his additions from then on.
      await page.getByRole('button', { name: 'Share' }).first().click();
      const share = page.getByRole('dialog', { name: 'Sharing “Holiday 2021”' });
      await share.getByLabel(/What .* can do/).selectOption('view');
      await expect
        .poll(async () => (await bob.client.get<Album>(`/api/albums/${albumId}`)).body.role)
        .toBe('view');
      const refused = await bob.client.post(`/api/albums/${albumId}/photos`, { photoIds: [bobPhoto.id] });
      expect(refused.status).toBe(403);

      // Unshare: Bob loses the album.
      await share.getByRole('button', { name: /Stop sharing with/ }).click();
      await share.getByText('Not shared with anyone yet.').waitFor();
      await share.getByRole('button', { name: 'Close' }).click();
      expect((await bob.client.get(`/api/albums/${albumId}`)).status).toBeGreaterThanOrEqual(403);
      await bobPage.goto(`${server.url}/albums`);
      await bobPage.getByRole('heading', { name: 'No albums yet' }).waitFor();
    } finally {
      await bobContext.close();
    }
  });

  it('lets a member leave, and the owner remove photos and delete the album', async () => {
    expect(
      (await alice.client.post(`/api/albums/${albumId}/members`, { email: 'bob@example.com' })).status,
    ).toBe(201);
    const [bobContext, bobPage] = await browse(
      browser,
      `${server.url}/albums/${albumId}`,
      bob.client.token ?? '',
    );
    try {
      await bobPage.getByRole('button', { name: 'Leave album' }).click();
      await bobPage
        .getByRole('dialog', { name: 'Leave “Holiday 2021”?' })
        .getByRole('button', { name: 'Leave album' })
        .click();
      await bobPage.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
      expect((await bob.client.get(`/api/albums/${albumId}`)).status).toBeGreaterThanOrEqual(403);
    } finally {
      await bobContext.close();
    }

    await page.reload();
    await page.locator('.cell').first().waitFor();
    const before = (await alice.client.get<Album>(`/api/albums/${albumId}`)).body.photoCount;
    await expect.poll(() => page.locator('.cell').count()).toBe(before);
    await page.locator('.cell').first().getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('button', { name: 'Remove from album' }).click();
    await expect
      .poll(async () => (await alice.client.get<Album>(`/api/albums/${albumId}`)).body.photoCount)
      .toBe(before - 1);
    await expect.poll(() => page.locator('.cell').count()).toBe(before - 1);

    await page.getByRole('button', { name: 'Delete album' }).click();
    await page
      .getByRole('dialog', { name: 'Delete “Holiday 2021”?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
    expect((await alice.client.get(`/api/albums/${albumId}`)).status).toBe(404);
  });

  it('shows the days each trashed photo has left; restores, deletes permanently and empties', async () => {
    clock.skew = -10 * DAY;
    for (const p of photos.slice(0, 2))
      expect((await alice.client.post(`/api/photos/${p.id}/trash`)).status).toBe(200);
    clock.skew = 0;
    for (const p of photos.slice(2, 4))
      expect((await alice.client.post(`/api/photos/${p.id}/trash`)).status).toBe(200);

    await page.goto(`${server.url}/trash`);
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    await page.locator('.cell__badge').first().waitFor();
    const badges = await page.locator('.cell__badge').allTextContents();
    expect(badges.sort()).toEqual(['20 days left', '20 days left', '30 days left', '30 days left']);
    await page.screenshot({ path: path.join(SHOTS, 'trash-days-left.png') });

    await page.locator('.cell').first().getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => page.locator('.cell').count()).toBe(3);

    await page.locator('.cell').first().getByRole('button', { name: 'Select photo' }).click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Delete permanently' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete permanently' }).click();
    await expect.poll(() => page.locator('.cell').count()).toBe(2);

    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();

    const trashed = await alice.client.get<{ items: Photo[] }>('/api/photos?status=trashed');
    expect(trashed.body.items).toEqual([]);
    const active = await alice.client.get<{ items: Photo[] }>('/api/photos?limit=100');
    // 5 uploaded, 4 trashed, 1 restored (the 3 others are gone for good); Bob's photo is not shared any more.
    expect(active.body.items.map((p) => p.id).sort()).toHaveLength(2);
  });
});
