/**
 * Drag-and-drop upload in Chromium: per-file progress while the server holds the uploads, the photo landing in the
 * timeline without a reload, and a refused file's reason.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { mediaSettled } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { desktopContext, openSignedIn } from './support/accounts.ts';
import { PHOTO, sha256, useFlowFixture } from './support/flows.ts';

/** Drops files (name and bytes) on the page as a real DataTransfer, as the OS does when files are dragged in. */
async function dropFiles(page: Page, files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  // The root tsconfig has no DOM types, so page code goes in as text, as in the other browser tests.
  const payload = JSON.stringify(
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })),
  );
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    for (const f of ${payload}) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  })()`);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
  await page.getByText('Drop photos to upload them').waitFor();
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

describe('drag-and-drop upload in Chromium', () => {
  const flow = useFlowFixture('upload');

  it('uploads dropped files with per-file progress and says why a file was refused', async () => {
    const user = await flow.newUser();
    const { context, page } = await desktopContext(flow.fx.browser);
    try {
      // Hold each upload at the server's door until the test has seen its progress row.
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await page.route(
        (url) => url.pathname === '/api/photos',
        async (route) => {
          if (route.request().method() === 'POST') await gate;
          await route.continue();
        },
      );
      await openSignedIn(page, flow.fx.server.url, user.client.token);
      await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();

      const photo = fs.readFileSync(corpusFile(PHOTO));
      const text = Buffer.from('shopping list: film, batteries\n');
      await dropFiles(page, [
        { name: 'r5.jpg', type: 'image/jpeg', bytes: photo },
        { name: 'notes.txt', type: 'text/plain', bytes: text },
      ]);
      const uploads = page.getByRole('region', { name: 'Uploads' });
      for (const name of ['r5.jpg', 'notes.txt']) {
        const bar = uploads.getByRole('progressbar', { name });
        await bar.waitFor();
        expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
      }
      expect(await uploads.innerText()).toMatch(/Uploading \d+%|Processing…/);
      release();

      const good = uploads.locator('li', { hasText: 'r5.jpg' });
      await good.getByText('Added').waitFor();
      const bad = uploads.locator('li', { hasText: 'notes.txt' });
      await bad.getByText('Failed').waitFor();
      const reason = await bad.locator('.upload__reason').innerText();
      console.log(`refused notes.txt: ${reason}`);
      expect(reason.length).toBeGreaterThan(10);
      expect(reason).not.toContain('connection was lost');
      await uploads.getByText('1 added · 0 already there · 1 failed').waitFor();

      // The photo joins the timeline without a reload, and is the user's one stored photo.
      await page.locator('.cell__open').first().waitFor();
      expect(await page.locator('.cell__open').count()).toBe(1);
      const stored = await mediaSettled(user.client);
      expect(stored.map((p) => p.sha256)).toEqual([sha256(photo)]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
