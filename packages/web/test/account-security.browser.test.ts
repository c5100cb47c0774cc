/**
 * The Security page's newer actions in a real browser, against a server that sends real e-mail over loopback SMTP:
 * changing the sign-in address with the code mailed to it, the password prompt when the session is older than
 * 15 minutes (server clock moved), and a witness's tampering alarm shown in the activity.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  createAccount,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import type { TestServer } from '../../server/test/support/test-server.ts';
import {
  desktopContext,
  mailedCode,
  movableClock,
  openSignedIn,
  startBrowserFixture,
  type BrowserFixture,
} from './support/accounts.ts';
import { seriousAxeViolations, SHOTS } from './support/browser.ts';

const FIRST = 'owner@example.com';
const SECOND = 'owner.new@example.org';
const MINUTE = 60_000;
const clock = movableClock();

describe('account security in Chromium', () => {
  let fixture: BrowserFixture;
  let server: TestServer;
  let page: Page;
  let owner: SignedIn;

  const codeSentTo = (to: string) => mailedCode(fixture.mail, /confirm this address: (\d+)/, { to });

  beforeAll(async () => {
    fixture = await startBrowserFixture({
      mail: true,
      clock,
      config: { publicUrl: 'https://photos.example.com' },
    });
    server = fixture.server;
    owner = await adminSession(server.url, FIRST);
    await createAccount(server.url, 'taken@example.com', owner.client);
    ({ page } = await desktopContext(fixture.browser));
    await openSignedIn(page, `${server.url}/security`, owner.client.token);
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    clock.skew = 0;
    await fixture?.close();
  }, 60_000);

  it('changes the e-mail address with the code mailed to the new one, then signs in with it', async () => {
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'E-mail address' }) });
    await expect(section.getByTestId('current-email').textContent()).resolves.toContain(FIRST);
    await expect(section.getByLabel('Sign out everywhere else').isChecked()).resolves.toBe(true);

    await section.getByLabel('New e-mail address').fill('taken@example.com');
    await section.getByRole('button', { name: 'Change e-mail address' }).click();
    await section.getByRole('alert').getByText('That address cannot be used for this account.').waitFor();

    // Signed in moments ago: no password needed.
    await section.getByLabel('New e-mail address').fill(SECOND);
    await section.getByRole('button', { name: 'Change e-mail address' }).click();
    await section.getByText(/We sent a code to/).waitFor();
    const code = await codeSentTo(SECOND);
    expect(code).toMatch(/^\d{8}$/);

    await section.getByLabel('Code from the e-mail').fill(code === '00000000' ? '11111111' : '00000000');
    await section.getByRole('button', { name: 'Confirm new address' }).click();
    await section.getByRole('alert').getByText('That code is not right, or it has expired.').waitFor();

    await section.getByLabel('Code from the e-mail').fill(code);
    await section.getByRole('button', { name: 'Confirm new address' }).click();
    await section.getByText(`You now sign in as ${SECOND}`).waitFor();
    await expect(section.getByTestId('current-email').textContent()).resolves.toContain(SECOND);
    await page.screenshot({ path: path.join(SHOTS, 'security-email-changed.png') });

    const again = await signIn(server.url, SECOND, deviceDescription('Phone'));
    expect(again.account.email).toBe(SECOND);
    await expect(signIn(server.url, FIRST, deviceDescription('Phone'))).rejects.toThrow(/401/);
  });

  it('asks for the password when the session is older than 15 minutes, then finishes the action', async () => {
    clock.skew = 16 * MINUTE;
    await page.reload();
    const codes = page.locator('section', { has: page.getByRole('heading', { name: 'Recovery codes' }) });
    await codes.getByRole('button', { name: 'Make new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await dialog.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'security-reauth.png') });

    await dialog.getByLabel('Your password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
    await dialog.getByRole('alert').getByText('That password is not right.').waitFor();
    await expect(codes.getByTestId('recovery-codes').count()).resolves.toBe(0);

    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
    await codes.getByTestId('recovery-codes').waitFor();
    await expect(codes.getByTestId('recovery-codes').locator('li').count()).resolves.toBeGreaterThan(0);
    await expect(dialog.count()).resolves.toBe(0);
  });

  it('shows a witness’s alarm in the activity, in red and in words', async () => {
    const report = await owner.client.post<{ seq: number }>('/api/audit/alarms', {
      problem: 'rolled-back',
      detail: 'checkpoint of 12 entries after one of 15',
      earlier: null,
      later: 'photos.example.com/log\n12\nAAAA\n',
    });
    expect(report.status).toBe(201);
    await page.reload();
    const entry = page.locator(`.activity__item[data-seq="${report.body.seq}"]`);
    await entry.getByText('ALARM: a device caught the activity log being tampered with').waitFor();
    const alarm = entry.getByTestId('activity-alarm');
    await expect(alarm.textContent()).resolves.toContain('entries a device had already seen are gone');
    await expect(alarm.textContent()).resolves.toContain('checkpoint of 12 entries after one of 15');
    // The test's tsconfig has no DOM library: reach the page's getComputedStyle through globalThis.
    const colour = await entry
      .locator('strong')
      .evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el)
            .color,
      );
    expect(colour).toBe('rgb(165, 40, 27)');
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'security-activity-alarm.png') });
  });
});
