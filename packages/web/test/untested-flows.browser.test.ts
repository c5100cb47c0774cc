/**
 * Web-app flows that had no browser test: a drag-and-drop upload (per-file progress, the photo landing in the
 * timeline, a refused file's reason), downloading a selection, the viewer's preview-then-original swap, sign-up
 * under the open and invite policies, and the timeline's keyboard path (Tab order, focus ring, Enter, Esc).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  mediaSettled,
  PASSWORD,
  userSession,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import {
  desktopContext,
  openSignedIn,
  startBrowserFixture,
  type BrowserFixture,
} from './support/accounts.ts';

const PHOTO = 'cameras/canon-eos-r5.jpg';
const OTHER = 'cameras/fujifilm-finepix-s2pro-gps.jpg';
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

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

describe('untested web flows in Chromium', () => {
  let fx: BrowserFixture;
  let admin: SignedIn;
  let users = 0;
  const newUser = () => userSession(fx.server.url, admin.client, `flow${++users}@example.com`);

  beforeAll(async () => {
    fx = await startBrowserFixture();
    admin = await adminSession(fx.server.url);
  }, 120_000);

  afterAll(async () => {
    await fx?.close();
  }, 60_000);

  it('uploads dropped files with per-file progress and says why a file was refused', async () => {
    const user = await newUser();
    const { context, page } = await desktopContext(fx.browser);
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
      await openSignedIn(page, fx.server.url, user.client.token);
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

  it('downloads every selected original, byte for byte', async () => {
    const user = await newUser();
    const files = [PHOTO, OTHER].map((f) => fs.readFileSync(corpusFile(f)));
    for (const bytes of files) await user.client.uploadOk(bytes);
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(fx.browser);
    try {
      await openSignedIn(page, fx.server.url, user.client.token);
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

  it('shows the preview first, then swaps in the original, which zoom keeps', async () => {
    const user = await newUser();
    const photo = await user.client.uploadOk(fs.readFileSync(corpusFile(PHOTO)));
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(fx.browser);
    try {
      const loaded: string[] = [];
      page.on('requestfinished', (r) => {
        const { pathname } = new URL(r.url());
        if (pathname.startsWith(`/api/photos/${photo.id}/`)) loaded.push(path.basename(pathname));
      });
      await openSignedIn(page, fx.server.url, user.client.token);
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

  it('lets a fresh browser sign up under the open policy, and with an invite code under the invite policy', async () => {
    const signUp = async (email: string, invite?: string) => {
      const { context, page } = await desktopContext(fx.browser);
      try {
        await page.goto(fx.server.url);
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await page.getByRole('button', { name: 'Create an account' }).click();
        await page.getByRole('heading', { name: 'Create your account' }).waitFor();
        await page.getByLabel('Your name').fill('Wang Fang');
        await page.getByLabel('E-mail').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        if (invite !== undefined) {
          await page.getByText('This server is invite-only').waitFor();
          await page.getByLabel('Invite code').fill(invite);
        }
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
      } finally {
        await context.close();
      }
    };

    const open = await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'open' });
    expect(open.status).toBe(200);
    await signUp('open-signup@example.com');

    const invitePolicy = await admin.client.call('PUT', '/api/admin/signup-policy', {
      signupPolicy: 'invite',
    });
    expect(invitePolicy.status).toBe(200);
    const made = await admin.client.post<{ code: string }>('/api/admin/invites', {
      email: 'invited@example.com',
    });
    expect(made.status).toBe(201);
    await signUp('invited@example.com', made.body.code);
    // The code was used up by that sign-up.
    const left = await admin.client.get<{ items: unknown[] }>('/api/admin/invites');
    expect(left.body.items).toEqual([]);
    await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'closed' });
  }, 120_000);

  it('tabs through navigation, upload and the first photo with a visible ring; Enter opens, Esc returns', async () => {
    const user = await newUser();
    await user.client.uploadOk(fs.readFileSync(corpusFile(PHOTO)));
    await mediaSettled(user.client);
    const { context, page } = await desktopContext(fx.browser);
    try {
      await openSignedIn(page, fx.server.url, user.client.token);
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
