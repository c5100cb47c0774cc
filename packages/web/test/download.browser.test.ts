/**
 * Downloading a selection in Chromium: every selected original arrives, checked byte for byte by SHA-256.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mediaSettled } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { desktopContext, openSignedIn } from './support/accounts.ts';
import { OTHER, PHOTO, sha256, useFlowFixture } from './support/flows.ts';

describe('downloading a selection in Chromium', () => {
  const flow = useFlowFixture('download');

  it('downloads every selected original, byte for byte', async () => {
    const user = await flow.newUser();
    const files = [PHOTO, OTHER].map((f) => fs.readFileSync(corpusFile(f)));
    for (const bytes of files) await user.client.uploadOk(bytes);
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(flow.fx.browser);
    try {
      await openSignedIn(page, flow.fx.server.url, user.client.token);
      const checks = page.locator('.cell__check');
      await expect.poll(() => checks.count()).toBe(2);
      await checks.nth(0).click();
      await checks.nth(1).click();
      const bar = page.getByRole('toolbar', { name: 'Selection actions' });
      await bar.getByText('2 selected').waitFor();

      const downloads: Promise<Buffer>[] = [];
      const both = new Promise<void>((resolve) => {
        page.on('download', (download) => {
          downloads.push(
            download.path().then((file) => {
              if (!file) throw new Error(`download of ${download.url()} failed: no file`);
              return fs.readFileSync(file);
            }),
          );
          if (downloads.length === 2) resolve();
        });
      });
      await bar.getByRole('button', { name: 'Download' }).click();
      await both;
      const got = (await Promise.all(downloads)).map(sha256).sort();
      expect(got).toEqual(files.map(sha256).sort());
    } finally {
      await context.close();
    }
  }, 120_000);
});
