/**
 * The timeline's keyboard path in Chromium: Tab order through navigation, upload and the first photo, each with a
 * visible focus ring; Enter opens the viewer and Esc returns focus to the photo.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { mediaSettled } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { desktopContext, openSignedIn } from './support/accounts.ts';
import { PHOTO, useFlowFixture } from './support/flows.ts';

/** A description of the focused element, and whether it draws a focus ring (outline or box-shadow). */
function focused(page: Page): Promise<{ what: string; ring: boolean }> {
  return page.evaluate<{ what: string; ring: boolean }>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { what: 'body', ring: false };
    const style = getComputedStyle(el);
    const ring =
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const what = el.classList.contains('cell__open')
      ? 'photo'
      : el.tagName.toLowerCase() + ':' + (el.textContent ?? '').trim();
    return { what, ring };
  })()`);
}

describe('keyboard use of the timeline in Chromium', () => {
  const flow = useFlowFixture('keys');

  it('tabs through navigation, upload and the first photo with a visible ring; Enter opens, Esc returns', async () => {
    const user = await flow.newUser();
    await user.client.uploadOk(fs.readFileSync(corpusFile(PHOTO)));
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(flow.fx.browser);
    try {
      await openSignedIn(page, flow.fx.server.url, user.client.token);
      await page.locator('.cell__open').first().waitFor();
      const order: string[] = [];
      for (let i = 0; i < 40 && !order.includes('photo'); i++) {
        await page.keyboard.press('Tab');
        const now = await focused(page);
        order.push(now.what);
        if (/^a:(Photos|Albums)$|^button:Upload$|^photo$/.test(now.what)) {
          expect(now.ring, `focus ring on ${now.what}`).toBe(true);
        }
      }
      console.log(`tab order: ${order.join(' → ')}`);
      const at = (what: string) => order.indexOf(what);
      expect(at('a:Photos')).toBeGreaterThanOrEqual(0);
      expect(at('a:Photos')).toBeLessThan(at('a:Albums'));
      expect(at('a:Albums')).toBeLessThan(at('button:Upload'));
      expect(at('button:Upload')).toBeLessThan(at('photo'));

      await page.keyboard.press('Enter');
      const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
      await viewer.waitFor();
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
      await expect.poll(async () => (await focused(page)).what).toBe('photo');
    } finally {
      await context.close();
    }
  }, 120_000);
});
