/**
 * The browser as a witness of the audit log (issue 5 req. 4), in Chromium against a real server: on start it keeps
 * the server's checkpoint without the Security page being opened; when the live channel says the library changed it
 * checks the new one, and a checkpoint that goes backwards (an older, genuinely signed one, served to the browser)
 * raises a banner on the page the person is on and is reported to the server, which records it in the activity.
 */
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  approvedDevice,
  distinctCopy,
  eventually,
  type SignedIn,
  type TestClient,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';
const PHOTO = corpusFile('cameras/casio-ex-z3.jpg');

interface CheckpointReply {
  size: number;
  note: string;
}
interface ActivityItem {
  kind: string;
  detail: Record<string, unknown>;
}

describe('the browser witnesses the audit log', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let owner: SignedIn;
  let phone: SignedIn;
  let uploads = 0;

  const checkpoint = async (client: TestClient) =>
    (await client.get<CheckpointReply>('/api/audit/checkpoint')).body;
  /** Uploads one photo from the phone and waits until a checkpoint covers its audit entry. */
  async function upload(): Promise<CheckpointReply> {
    const before = (await checkpoint(owner.client)).size;
    await phone.client.uploadOk(distinctCopy(PHOTO, `witness-${uploads++}`));
    return eventually(async () => {
      const reply = await checkpoint(owner.client);
      return reply.size > before ? reply : undefined;
    });
  }
  const keptSize = async () => {
    const raw = await page.evaluate<string | null>(`localStorage.getItem('shoebox.audit.witness')`);
    return raw ? (JSON.parse(raw) as { size: number }).size : 0;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    owner = await adminSession(server.url, EMAIL);
    phone = await approvedDevice(server.url, owner.client, EMAIL, 'Zhang’s phone');
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('keeps the checkpoint on start and alarms, reported to the server, when the log goes back', async () => {
    const older = await upload();
    const newer = await upload();
    expect(newer.size).toBeGreaterThan(older.size);

    let checkpointGets = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/audit/checkpoint')) checkpointGets++;
    });
    // The timeline, not the Security page: the witness runs wherever the app starts.
    await page.goto(server.url);
    await page.getByText('2 photos').first().waitFor();
    await expect.poll(keptSize, { timeout: 20_000 }).toBe(newer.size);
    expect(checkpointGets).toBe(1);
    expect(await page.getByTestId('witness-alarm').count()).toBe(0);

    // From now on the server (so it seems to this browser) answers with its older, genuinely signed checkpoint.
    const rollBack = (route: Route) => route.fulfill({ json: older });
    await page.route('**/api/audit/checkpoint', rollBack);
    // Another device uploads: the live hint is the browser's cue to witness again (within the 30 s throttle).
    await upload();
    await page.getByText('3 photos').first().waitFor();
    const banner = page.getByTestId('witness-alarm');
    await banner.waitFor({ timeout: 45_000 });
    expect(await banner.getAttribute('role')).toBe('alert');
    await banner.getByText('Alarm: the server’s activity log failed this browser’s check').waitFor();
    await banner.getByText('The log went back').waitFor();
    await banner.getByText(/Reported to the server as activity entry #\d+/).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // The kept checkpoint is not replaced by the one that failed.
    expect(await keptSize()).toBe(newer.size);
    await page.screenshot({ path: path.join(SHOTS, 'witness-alarm.png') });

    const activity = await owner.client.get<{ items: ActivityItem[] }>('/api/activity');
    const alarm = activity.body.items.find((i) => i.kind === 'audit.alarm');
    expect(alarm?.detail).toMatchObject({
      problem: 'rolled-back',
      deviceId: owner.deviceId,
      earlier: newer.note,
      later: older.note,
      earlierSigned: true,
      laterSigned: true,
    });

    // The banner stays on every page.
    await page.getByRole('link', { name: 'Albums' }).first().click();
    await page.getByTestId('witness-alarm').waitFor();
    await page.unroute('**/api/audit/checkpoint', rollBack);
  }, 180_000);
});
