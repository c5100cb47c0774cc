/**
 * An album in Chromium: on a phone its heading (back link, name, count) stays in sight below the top bar however
 * its buttons wrap, and the "Added by" badges of a shared album stay small and inside their photos; in the share
 * dialog, a failed share's error goes away once the address is changed.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Album } from '@shoebox/shared';
import { distinctCopy, mediaSettled, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { desktopContext, openSignedIn } from './support/accounts.ts';
import { SHOTS } from './support/browser.ts';
import { useFlowFixture } from './support/flows.ts';

const PHONE = { width: 390, height: 844 };
/** A portrait photo (600 x 900): on a phone its tile is narrower than "Added by you". */
const PORTRAIT = 'cameras/canon-eos7d.jpg';

type Box = { top: number; bottom: number; left: number; right: number; height: number };

/** A shared album of three portrait photos of `owner`, shared with `member`. */
async function sharedAlbum(owner: SignedIn, member: SignedIn, name: string): Promise<Album> {
  const photoIds: string[] = [];
  for (const marker of ['p1', 'p2', 'p3'])
    photoIds.push((await owner.client.uploadOk(distinctCopy(corpusFile(PORTRAIT), marker))).id);
  await mediaSettled(owner.client);
  const album = (await owner.client.post<Album>('/api/albums', { name })).body;
  expect((await owner.client.post(`/api/albums/${album.id}/photos`, { photoIds })).status).toBe(200);
  const shared = await owner.client.post(`/api/albums/${album.id}/members`, {
    email: member.response.account.email,
  });
  expect(shared.status).toBe(201);
  return album;
}

/** The boxes of the elements `selector` matches, in document order. */
function box(page: Page, selector: string): Promise<Box[]> {
  return page.evaluate<Box[]>(`
    [...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    })
  `);
}

describe('an album in Chromium', () => {
  const flow = useFlowFixture('album');

  it('keeps the heading below the top bar on a phone, and badges small inside their photos', async () => {
    const owner = await flow.newUser();
    const member = await flow.newUser();
    const album = await sharedAlbum(owner, member, 'Summer by the sea');
    const context = await flow.fx.browser.newContext({ viewport: PHONE, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await openSignedIn(page, `${flow.fx.server.url}/albums/${album.id}`, owner.client.token);
      const heading = page.getByRole('heading', { name: 'Summer by the sea', level: 1 });
      await heading.waitFor();
      await page.locator('.cell__badge').nth(2).waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'album-phone.png') });

      const [topbar] = await box(page, '.topbar');
      const [scroller] = await box(page, '.grid__scroller');
      const [head] = await box(page, '.page-head--album');
      const [back] = await box(page, '.page-head--album .back-link');
      const [title] = await box(page, '.page-head--album h1');
      const [meta] = await box(page, '[data-testid="album-meta"]');
      const [firstCell] = await box(page, '.cell');
      if (!topbar || !scroller || !head || !back || !title || !meta || !firstCell)
        throw new Error('the album page is missing parts');
      // Back link, name and count are all inside the scroller, below the top bar, in that order.
      for (const part of [back, title, meta]) {
        expect(part.top).toBeGreaterThanOrEqual(Math.max(topbar.bottom, scroller.top));
        expect(part.top).toBeGreaterThanOrEqual(head.top);
        expect(part.bottom).toBeLessThanOrEqual(head.bottom);
      }
      expect(back.bottom).toBeLessThanOrEqual(title.top + 1);
      // The photos start below the heading, not over it.
      expect(firstCell.top).toBeGreaterThanOrEqual(head.bottom - 1);
      expect(await page.getByRole('link', { name: 'All albums' }).isVisible()).toBe(true);
      expect(await page.getByTestId('album-meta').textContent()).toMatch(/^3 photos/);

      // Each badge is one short line inside its photo: not wrapped over it, not cut off at its edge.
      const cells = await box(page, '.cell');
      const badges = await box(page, '.cell__badge');
      expect(badges).toHaveLength(3);
      badges.forEach((badge, i) => {
        const cell = cells[i];
        if (!cell) throw new Error(`no cell for badge ${i}`);
        expect(badge.left, `badge ${i} left`).toBeGreaterThanOrEqual(cell.left);
        expect(badge.right, `badge ${i} right`).toBeLessThanOrEqual(cell.right);
        expect(badge.bottom, `badge ${i} bottom`).toBeLessThanOrEqual(cell.bottom);
        expect(badge.height, `badge ${i} height`).toBeLessThanOrEqual(22);
        expect(badge.height, `badge ${i} height`).toBeLessThan(cell.height * 0.25);
      });
      // ... and says in full what it says (here, on tiles too narrow for "Added by you", just "You").
      const texts = await page.evaluate<{ text: string; truncated: boolean }[]>(`
        [...document.querySelectorAll('.cell__badge')].map((el) => ({
          text: el.innerText,
          truncated: el.scrollWidth > el.clientWidth,
        }))
      `);
      expect(texts).toEqual(Array.from({ length: 3 }, () => ({ text: 'You', truncated: false })));
    } finally {
      await context.close();
    }
  }, 120_000);

  it('clears a failed share’s error once the address is changed', async () => {
    const owner = await flow.newUser();
    const member = await flow.newUser();
    const album = await sharedAlbum(owner, member, 'Error test');
    const { context, page } = await desktopContext(flow.fx.browser);
    try {
      await openSignedIn(page, `${flow.fx.server.url}/albums/${album.id}`, owner.client.token);
      await page.getByRole('heading', { name: 'Error test', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Share' }).first().click();
      const share = page.getByRole('dialog', { name: 'Sharing “Error test”' });
      await share.locator(`[data-email="${member.response.account.email}"]`).waitFor();
      const email = share.getByLabel('E-mail of a Shoebox account');
      await email.fill('nobody@example.com');
      await share.getByRole('button', { name: 'Share', exact: true }).click();
      const error = share.getByRole('alert');
      await error.getByText('No account has that e-mail address.').waitFor();
      await email.pressSequentially('x');
      await error.waitFor({ state: 'detached', timeout: 2_000 });
      expect(await email.inputValue()).toBe('nobody@example.comx');
    } finally {
      await context.close();
    }
  }, 120_000);
});
