/**
 * The main flows of the web app, the same in every engine, against a real `shoebox serve` (the server test harness
 * with the built app): sign up, upload through the file input, timeline, viewer with provenance, new-device approval
 * between two windows with separate profiles, removing that device signs it out live, a photo uploaded by the real
 * CLI appears live (live-flows.ts), Simplified Chinese, a phone-sized window. Chromium runs the fuller
 * suite in ../web.browser.test.ts; these runs prove the app works in Firefox and WebKit (Safari's engine).
 * Main pages are checked with axe-core in each engine. Nothing is skipped: an engine that cannot start here fails
 * `beforeAll` with the reason.
 *
 * Not checkable here: passkeys. They need a virtual WebAuthn authenticator; passkey.browser.test.ts gets one from
 * Chromium's DevTools protocol, puppeteer-core has none for Firefox (a CDP-only feature there), and WebKitWebDriver
 * 2.50 answers `unknown command` to the W3C `POST /session/{id}/webauthn/authenticator`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile } from '../../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt } from '../support/browser.ts';
import { Session, type Engine, type EngineName } from '../support/cross-browser/session.ts';
import { liveFlows } from './live-flows.ts';

const EMAIL = 'grace@example.com';
const PASSWORD = 'lantern-quarry-mosaic-57';
const PHONE = { width: 390, height: 844 };
/** The phone layout of styles.css starts below this width. */
const PHONE_LAYOUT_MAX = 720;
/** What describeThisBrowser() calls each engine on Linux: the provenance must name it. */
const DEVICE_NAME: Record<EngineName, string> = { firefox: 'Firefox on Linux', webkit: 'Safari on Linux' };

const FILES = [
  'phones/apple-iphone11-IMG_5813.JPG',
  'phones/google-pixel5-PXL_20210518_214224624.jpg',
  'cameras/canon-eos7d.jpg',
  'malformed/plain-text.jpg',
].map(corpusFile);
const PHOTOS = FILES.length - 1;

export function describeMainFlows(name: EngineName, launch: () => Promise<Engine>): void {
  describe(`web app in ${name}`, () => {
    let server: TestServer;
    let engine: Engine;
    let page: Session;
    /** The second profile, kept open after its approval for the live flows. */
    let second: Session | undefined;

    beforeAll(async () => {
      ensureWebBuilt();
      [server, engine] = await Promise.all([startTestServer('sqlite'), launch()]);
      page = await Session.open(engine, DESKTOP);
    }, 120_000);

    afterAll(async () => {
      await second?.close().catch(() => undefined);
      await engine?.close();
      await server?.close();
    }, 60_000);

    it('creates the admin account on first run', async () => {
      await page.goto(server.url);
      await page.waitFor({ role: 'heading', name: 'Welcome to Shoebox' });
      await page.check('first-run');
      await page.fill({ label: 'Your name' }, 'Grace');
      await page.fill({ label: 'E-mail' }, EMAIL);
      await page.fill({ label: 'Password' }, PASSWORD);
      await page.click({ role: 'button', name: 'Create administrator account' });
      await page.waitFor({ role: 'heading', name: 'Your library is empty' });
      await page.shoot('timeline-empty');
    }, 90_000);

    it('uploads through the file picker and shows the photos in the timeline', async () => {
      // The Upload button opens this input's native picker; a driver sets the chosen files on the input itself.
      await page.setFiles({ css: '#upload-input' }, FILES);
      await page.waitFor({ role: 'heading', name: 'Uploads finished' }, 40_000);
      await page.until('every good file uploaded', async () => {
        const done = await page.evaluate<number>(`document.querySelectorAll('.upload--done').length`);
        return done === PHOTOS;
      });
      const reason = await page.text({ css: '.upload--failed .upload__reason' });
      expect(reason.length).toBeGreaterThan(10);
      expect(reason).not.toMatch(/^HTTP \d+$/);

      await page.waitFor({ text: new RegExp(`^${PHOTOS} photos$`) });
      await page.waitFor({ css: 'img.thumb[data-loaded="true"]' }, 30_000);
      await page.until(
        'every thumbnail in view to load',
        async () =>
          (await page.evaluate<number>(
            `document.querySelectorAll('.cell img.thumb:not([data-loaded])').length`,
          )) === 0,
        30_000,
      );
      await page.check('timeline-uploads');
      await page.click({ role: 'button', name: 'Close' });
      await page.shoot('timeline');
    }, 120_000);

    it('opens the viewer with provenance naming this browser', async () => {
      // Dates follow the browser's language: en-GB in Firefox (a pref), en-US in MiniBrowser (LANG does not change it).
      await page.click({ css: '.cell__open', name: /(18 May 2021|May 18, 2021).*(14:41|2:41\sPM)/ });
      const viewer = { role: 'dialog', name: 'Photo viewer' };
      await page.waitFor(viewer);
      await page.textMatching(
        { css: '[data-testid="provenance"]' },
        new RegExp(`Uploaded from ${DEVICE_NAME[name]}`),
      );
      await page.textMatching(viewer, /Apple iPhone 11/);
      await page.until('the preview to be decoded', () =>
        page.evaluate<boolean>(`document.querySelector('.viewer__image')?.complete === true`),
      );
      await page.check('viewer');

      // Keyboard: → moves on, ← comes back, Esc closes.
      const url = await page.evaluate<string>('location.href');
      await page.press('ArrowRight');
      await page.until(
        '→ to open the next photo',
        async () => (await page.evaluate<string>('location.href')) !== url,
      );
      await page.press('ArrowLeft');
      await page.until('← to come back', async () => (await page.evaluate<string>('location.href')) === url);
      await page.press('Escape');
      await page.waitGone(viewer);

      // The photo's full explain report: a page of its own, with the timeline chart drawn in SVG.
      const photoId = new URL(url).searchParams.get('view') ?? '';
      await page.goto(`${server.url}/photos/${photoId}/explain`);
      await page.waitFor({ role: 'heading', name: 'Why this photo is here' });
      await page.waitFor({ css: '[data-testid="explain-chart"] svg[role="img"]' });
      await page.textMatching({ css: '[data-testid="explain-group"]' }, new RegExp(DEVICE_NAME[name]));
      await page.check('explain-photo');
    }, 90_000);

    it('lets a second profile in only after this one allows it', async () => {
      second = await Session.open(engine, DESKTOP);
      await second.goto(server.url);
      await second.waitFor({ role: 'heading', name: 'Sign in' });
      await second.fill({ label: 'E-mail' }, EMAIL);
      await second.fill({ label: 'Password' }, PASSWORD);
      await second.click({ role: 'button', name: 'Sign in' });
      await second.waitFor({ role: 'heading', name: 'Approve this browser' });
      await second.check('pending-device');

      // The trusted window is told live (WebSocket), then allows the request from its Devices page.
      await page.waitFor({
        role: 'alert',
        name: 'New device approval',
        text: /wants to sign in to your account/,
      });
      await page.shoot('approval-banner');
      await page.click({ role: 'link', name: 'Devices' });
      await page.waitFor({ role: 'heading', name: 'Waiting for approval' });
      await page.click({ role: 'button', name: 'Allow' });
      const code = (await page.textMatching({ css: '[data-testid="approval-code"]' }, /\d/)).replace(
        /\D/g,
        '',
      );
      expect(code).toMatch(/^\d{6}$/);
      await page.shoot('approval-code');
      await page.click({ role: 'button', name: 'Done' });

      await second.waitFor({ text: /A trusted device allowed this browser/ });
      await second.fill({ label: 'Enter the code shown on your trusted device' }, code);
      await second.click({ role: 'button', name: 'Verify code' });
      await second.waitFor({ role: 'heading', name: 'Photos' });
      await second.waitFor({ text: new RegExp(`^${PHOTOS} photos$`) });
      await second.shoot('second-device-library');
    }, 120_000);

    liveFlows(() => ({
      url: server.url,
      email: EMAIL,
      password: PASSWORD,
      deviceName: DEVICE_NAME[name],
      photos: PHOTOS,
      page,
      second,
      async closeSecond() {
        await second?.close();
        second = undefined;
      },
    }));

    it('switches to Simplified Chinese', async () => {
      await page.click({ role: 'link', name: 'Photos' });
      await page.selectOption({ label: 'Language' }, 'zh-CN');
      await page.waitFor({ role: 'heading', name: '照片' });
      await page.waitFor({ role: 'link', name: '相册' });
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');
      await page.check('timeline-zh-CN');
      await page.selectOption({ label: '语言' }, 'en');
      await page.waitFor({ role: 'link', name: 'Photos' });
    }, 90_000);

    it('works in a phone-sized window', async () => {
      const size = await page.resize(PHONE);
      // MiniBrowser's window cannot be narrower than its toolbar (447 px at the time of writing): still a phone
      // layout, which is what this checks; Firefox gets exactly 390 × 844.
      expect(size.width).toBeLessThanOrEqual(PHONE_LAYOUT_MAX);
      if (name === 'firefox') expect(size).toEqual(PHONE);
      await page.reload();
      await page.waitFor({ css: 'img.thumb[data-loaded="true"]' }, 30_000);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - innerWidth');
      expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0);
      await page.check('phone-timeline');
      await page.click({ css: '.cell__open' });
      await page.waitFor({ role: 'dialog', name: 'Photo viewer' });
      await page.click({ role: 'button', name: 'Details' });
      await page.textMatching({ css: '[data-testid="provenance"]' }, new RegExp(DEVICE_NAME[name]));
      await page.shoot('phone-viewer');
    }, 90_000);
  });
}
