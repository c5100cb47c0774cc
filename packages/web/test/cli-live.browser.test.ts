/**
 * A photo uploaded by the real `shoebox` CLI appears live in the open timeline in Chromium, through the same flow
 * the Firefox and WebKit runs use (cross-browser/live-flows.ts): the CLI signs in, is let in from the browser's
 * approval banner, uploads, and the timeline's count and the photo's provenance show it without a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../../cli/test/support/cli.ts';
import { adminSession, PASSWORD, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cliUploadAppearsLive } from './cross-browser/live-flows.ts';
import { DESKTOP, ensureWebBuilt } from './support/browser.ts';
import { launchChromiumEngine } from './support/cross-browser/chromium.ts';
import { Session, type Engine } from './support/cross-browser/session.ts';

const EMAIL = 'admin@example.com';
// Neither taken on 5 June 2017, the day of the CLI's photo that the flow opens.
const SEEDS = ['cameras/canon-eos-r5.jpg', 'cameras/olympus-pen-e-p3.jpg'].map(corpusFile);

describe('a CLI upload appears live in Chromium', () => {
  let server: TestServer;
  let engine: Engine;
  let page: Session;
  let admin: SignedIn;

  beforeAll(async () => {
    ensureWebBuilt();
    [server, engine] = await Promise.all([startTestServer('sqlite'), launchChromiumEngine()]);
    admin = await adminSession(server.url, EMAIL);
    for (const file of SEEDS) await admin.client.uploadOk(file);
    page = await Session.open(engine, DESKTOP);
    // This window is the admin's first, trusted device: the one that can let the CLI in.
    await page.goto(server.url);
    await page.evaluate(`localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`);
  }, 120_000);

  afterAll(async () => {
    cleanUp();
    await page?.close();
    await engine?.close();
    await server?.close();
  }, 60_000);

  it('shows a photo uploaded by the CLI without a reload, after letting the CLI in from the banner', async () => {
    await cliUploadAppearsLive({
      url: server.url,
      email: EMAIL,
      password: PASSWORD,
      page,
      photos: SEEDS.length,
    });
    const photos = await admin.client.get<{ items: { upload: { deviceName: string } }[] }>('/api/photos');
    expect(photos.body.items.map((p) => p.upload.deviceName)).toContain('Zhang’s laptop');
  }, 180_000);
});
