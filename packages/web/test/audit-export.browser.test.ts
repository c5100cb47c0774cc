/**
 * The audit export downloaded from the web app in Chromium against a real server: sign up, upload a photo, download
 * the export from the security page, and check the downloaded file with the real `shoebox audit verify` (offline,
 * as anyone would); one changed byte in an event makes that check fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditExport } from '@shoebox/shared/audit-export/format';
import { PASSWORD } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanUp, shoebox, tempDir } from '../../cli/test/support/cli.ts';
import { expectAuditOk, watchPage } from './support/audit.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'ada@example.com';
const FILE_NAME = /^shoebox-audit-ada@example\.com-\d{4}-\d{2}-\d{2}\.json$/;

/** Answers as the server does when it cannot serve now: 503 problem+json with the code `unavailable`. */
const unavailable = (route: Route, detail: string) =>
  route.fulfill({
    status: 503,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: 'https://shoebox.dev/problems/unavailable',
      title: 'Unavailable',
      status: 503,
      code: 'unavailable',
      detail,
    }),
  });

describe('audit export download in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let dir: string;

  const openSecurity = async () => {
    await page.goto(`${server.url}/security`);
    // Whatever the verdict (or none), a failure says what the page showed and what failed to load.
    await expectAuditOk(page);
  };
  const exportButton = () => page.getByRole('button', { name: 'Download audit export' });

  /** Clicks the button and saves the file the browser downloads; answers with its name and path. */
  const download = async (): Promise<{ name: string; file: string }> => {
    const started = page.waitForEvent('download');
    await exportButton().click();
    const done = await started;
    const file = path.join(dir, done.suggestedFilename());
    await done.saveAs(file);
    return { name: done.suggestedFilename(), file };
  };

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    dir = tempDir('web-export');
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'en-GB',
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    watchPage(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    cleanUp();
  }, 60_000);

  it('signs up, keeps a checkpoint on the security page, and uploads a photo', async () => {
    await page.goto(server.url);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator account' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    // This browser verifies the log and keeps its first checkpoint before the photo grows the log.
    await openSecurity();

    await page.goto(server.url);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await (await chooser).setFiles([corpusFile('phones/apple-iphone4.jpg')]);
    await page.getByRole('heading', { name: 'Uploads finished' }).waitFor({ timeout: 30_000 });
  }, 60_000);

  it('downloads the export, which the real `shoebox audit verify` checks offline', async () => {
    await openSecurity();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Slow leaves show the progress a big log would.
    const slow = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    };
    await page.route('**/api/audit/leaves**', slow);
    const downloaded = download();
    await page.getByRole('progressbar', { name: 'Audit export progress' }).waitFor();
    await page.getByText(/Fetching the log for the completeness check: \d+ of \d+ entries/).waitFor();
    const { name, file } = await downloaded;
    await page.unroute('**/api/audit/leaves**', slow);
    expect(name).toMatch(FILE_NAME);
    await page.getByText(`Downloaded ${name}`, { exact: false }).waitFor();
    await page
      .locator('section', { has: page.locator('#sec-activity') })
      .screenshot({ path: path.join(SHOTS, 'security-audit-export.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);

    const text = fs.readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as AuditExport;
    expect(doc.format).toBe('shoebox-audit-export/1');
    expect(doc.server).toBe(server.url.replace(/\/$/, ''));
    expect(doc.events.map((e) => e.kind)).toContain('photo.uploaded');
    expect(doc.leaves).toHaveLength(doc.checkpoint.size);
    // The checkpoint kept before the upload travels with the latest: the offline check recomputes both roots.
    expect(doc.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(doc.checkpoints[0]?.size).toBeLessThan(doc.checkpoint.size);
    expect(doc.checkpoints.at(-1)?.size).toBe(doc.checkpoint.size);

    const run = await shoebox(['audit', 'verify', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${doc.events.length} events verified; checkpoints consistent; no undisclosed events for this account up to size ${doc.checkpoint.size}\n`,
    );

    // One byte of the uploaded photo's event changed (a digit of its time): the check fails and names the event.
    const uploaded = doc.events.find((e) => e.kind === 'photo.uploaded');
    if (!uploaded) throw new Error('no photo.uploaded event');
    const at = text.indexOf(JSON.stringify(uploaded.event).slice(1, -1));
    const digit = text.indexOf('\\"at\\":', at) + '\\"at\\":'.length + 3;
    expect(text[digit]).toMatch(/\d/);
    const tampered = `${text.slice(0, digit)}${text[digit] === '1' ? '2' : '1'}${text.slice(digit + 1)}`;
    expect(Buffer.byteLength(tampered)).toBe(Buffer.byteLength(text));
    const bad = path.join(dir, 'tampered.json');
    fs.writeFileSync(bad, tampered);
    const failed = await shoebox(['audit', 'verify', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('VERIFICATION FAILED:');
    expect(failed.stdout).toContain(
      `event ${uploaded.seq} (photo.uploaded) does not open the log's leaf ${uploaded.seq}: it was changed or moved`,
    );
  }, 120_000);

  it('says why when the export cannot be built, in English and Chinese', async () => {
    await openSecurity();
    const refuse = (route: Route) => unavailable(route, 'Down for maintenance');
    await page.route('**/api/audit/key', refuse);
    try {
      await exportButton().click();
      await page
        .getByRole('alert')
        .getByText('Could not build the audit export: Down for maintenance')
        .waitFor();
      await page.getByLabel('Language').selectOption('zh-CN');
      await page.getByRole('button', { name: '下载审计导出文件' }).click();
      await page.getByRole('alert').getByText('无法生成审计导出文件：Down for maintenance').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await page.unroute('**/api/audit/key', refuse);
      await page.getByLabel('语言').selectOption('en');
    }
  }, 60_000);

  it('waits for a log whose first checkpoint is not signed yet instead of giving up', async () => {
    // A brand-new log has no checkpoint for up to a second: the first two answers say so, as the server does.
    let refused = 0;
    const notYet = async (route: Route) => {
      if (refused >= 2) return route.continue();
      refused += 1;
      return unavailable(route, 'No audit checkpoint has been signed yet; try again in a second.');
    };
    await page.route('**/api/audit/checkpoint', notYet);
    try {
      await openSecurity();
      expect(refused).toBe(2);
    } finally {
      await page.unroute('**/api/audit/checkpoint', notYet);
    }
  }, 60_000);
});
