/**
 * The viewer in Chromium shows the preview first, then swaps in the original once it and the photo's details are in;
 * zooming keeps the original.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaSettled } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { desktopContext, openSignedIn } from './support/accounts.ts';
import { PHOTO, useFlowFixture } from './support/flows.ts';

describe('the viewer, preview then original, in Chromium', () => {
  const flow = useFlowFixture('viewer');

  it('shows the preview first, then swaps in the original, which zoom keeps', async () => {
    const user = await flow.newUser();
    const photo = await user.client.uploadOk(fs.readFileSync(corpusFile(PHOTO)));
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(flow.fx.browser);
    try {
      const loaded: string[] = [];
      page.on('requestfinished', (r) => {
        const { pathname } = new URL(r.url());
        if (pathname.startsWith(`/api/photos/${photo.id}/`)) loaded.push(path.basename(pathname));
      });
      await openSignedIn(page, flow.fx.server.url, user.client.token);
      await page.locator('.cell__open').first().click();
      const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
      const original = viewer.locator('img.viewer__image--original');
      // Before the fix in Viewer.tsx this never came: a preview that loaded before the photo's metadata left the
      // viewer on the preview for good.
      await original.waitFor();
      await viewer.getByText('Original', { exact: true }).waitFor();
      expect(await original.getAttribute('src')).toMatch(new RegExp(`^/api/photos/${photo.id}/original\\?`));
      const decoded = `(() => {
        const img = document.querySelector('dialog img.viewer__image--original');
        return img !== null && img.complete && img.naturalWidth > 0;
      })()`;
      expect(await page.evaluate<boolean>(decoded)).toBe(true);
      // The preview was fetched (and loaded) before the original was asked for.
      expect(loaded).toContain('preview');
      expect(loaded.indexOf('preview')).toBeLessThan(loaded.indexOf('original'));
      expect(await viewer.locator('img.viewer__image').first().getAttribute('src')).toContain('/preview?');

      // Zooming scales the canvas that holds the original; nothing is re-fetched at a lower quality.
      const before = loaded.length;
      await viewer.getByRole('button', { name: 'Zoom in' }).click();
      const canvas = viewer.locator('.viewer__canvas');
      await expect.poll(() => canvas.getAttribute('style')).toContain('scale(1.5)');
      expect(await canvas.locator('img.viewer__image--original').count()).toBe(1);
      expect(loaded.slice(before).filter((v) => v !== 'original')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
