/**
 * The trash on a phone in Chromium: its heading (title and note) stays in sight below the top bar however its note
 * and "Empty trash" button wrap, whether the trash holds photos (the heading scrolls with the grid, which starts
 * below it) or is empty.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { distinctCopy, mediaSettled, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { openSignedIn } from './support/accounts.ts';
import { SHOTS } from './support/browser.ts';
import { PHOTO, useFlowFixture } from './support/flows.ts';

const PHONE = { width: 390, height: 844 };

type Box = { top: number; bottom: number; left: number; right: number; height: number };

/** The boxes of the elements `selector` matches, in document order. */
function box(page: Page, selector: string): Promise<Box[]> {
  return page.evaluate<Box[]>(`
    [...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
    })
  `);
}

/** Opens the trash of `user` at a phone's size; `check` runs with the page once the heading is there. */
async function onPhone(
  flow: ReturnType<typeof useFlowFixture>,
  user: SignedIn,
  check: (page: Page) => Promise<void>,
): Promise<void> {
  const context = await flow.fx.browser.newContext({ viewport: PHONE, locale: 'en-GB', timezoneId: 'UTC' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await openSignedIn(page, `${flow.fx.server.url}/trash`, user.client.token);
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    await check(page);
  } finally {
    await context.close();
  }
}

/** Title, note and button are inside the heading, below the top bar (and the scroller's top), in sight. */
async function expectHeadingInSight(page: Page): Promise<Box> {
  const [topbar] = await box(page, '.topbar');
  const [head] = await box(page, '.page-head--trash');
  const [title] = await box(page, '.page-head--trash h1');
  const [note] = await box(page, '.page-head--trash .page-head__meta');
  const [button] = await box(page, '.page-head--trash button');
  if (!topbar || !head || !title || !note || !button) throw new Error('the trash page is missing parts');
  const [scroller] = await box(page, '.grid__scroller');
  for (const part of [title, note, button]) {
    expect(part.top).toBeGreaterThanOrEqual(Math.max(topbar.bottom, scroller?.top ?? 0));
    expect(part.top).toBeGreaterThanOrEqual(head.top);
    expect(part.bottom).toBeLessThanOrEqual(head.bottom);
  }
  expect(title.bottom).toBeLessThanOrEqual(note.top + 1);
  expect(await page.getByRole('heading', { name: 'Trash', level: 1 }).isVisible()).toBe(true);
  return head;
}

describe('the trash on a phone in Chromium', () => {
  const flow = useFlowFixture('trash');

  it('keeps the heading below the top bar, and the photos below the heading', async () => {
    const user = await flow.newUser();
    for (const marker of ['t1', 't2', 't3']) {
      const photo = await user.client.uploadOk(distinctCopy(corpusFile(PHOTO), marker));
      expect((await user.client.post(`/api/photos/${photo.id}/trash`)).status).toBe(200);
    }
    await mediaSettled(user.client);
    await onPhone(flow, user, async (page) => {
      await page.locator('.cell').nth(2).waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'trash-phone.png') });
      const head = await expectHeadingInSight(page);
      const [firstCell] = await box(page, '.cell');
      if (!firstCell) throw new Error('no photo in the trash');
      // The photos start below the heading, not over it.
      expect(firstCell.top).toBeGreaterThanOrEqual(head.bottom - 1);
    });
  }, 120_000);

  it('keeps the heading of an empty trash below the top bar', async () => {
    const user = await flow.newUser();
    await onPhone(flow, user, async (page) => {
      await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'trash-phone-empty.png') });
      await expectHeadingInSight(page);
    });
  }, 120_000);
});
