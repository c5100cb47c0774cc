/** Waiting for the security page's in-browser audit verdict, and saying why when it is not the one expected. */
import type { Page } from 'playwright-core';

const problems = new WeakMap<Page, string[]>();

/**
 * Starts noting what goes wrong in the page (script errors, console errors, failed requests and responses of 400 or
 * more, scripts or stylesheets served as something else), so a test that times out can say why.
 */
export function watchPage(page: Page): void {
  if (problems.has(page)) return;
  const seen: string[] = [];
  problems.set(page, seen);
  const note = (line: string) => {
    seen.push(line);
    if (seen.length > 30) seen.shift();
  };
  page.on('pageerror', (err) => note(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') note(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => note(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    const type = res.headers()['content-type'] ?? '';
    const kind = res.request().resourceType();
    if (res.status() >= 400) note(`${res.status()} ${res.request().method()} ${res.url()}`);
    else if ((kind === 'script' || kind === 'stylesheet') && type.startsWith('text/html')) {
      note(`${kind} served as HTML: ${res.url()}`);
    }
  });
}

/** What the page shows and what went wrong in it, for a failure message. */
export async function pageReport(page: Page): Promise<string> {
  const text = await page
    .locator('body')
    .innerText({ timeout: 2_000 })
    .catch((err: unknown) => `(no text: ${String(err)})`);
  const noted = problems.get(page) ?? ['(not watched: call watchPage first)'];
  return [
    `url: ${page.url()}`,
    `visible text: ${text.replace(/\s+/g, ' ').trim().slice(0, 1_500) || '(none)'}`,
    `problems: ${noted.length > 0 ? noted.join('\n  ') : '(none)'}`,
  ].join('\n');
}

export type AuditOutcome = 'ok' | 'alarm' | 'could-not-verify' | 'activity-failed';

/** Waits for whichever verdict the activity log comes to; throws with the page's text if none comes. */
export async function auditOutcome(page: Page, timeout = 20_000): Promise<AuditOutcome> {
  const ok = page.getByTestId('audit-ok');
  const alarm = page.getByTestId('audit-alarm');
  const couldNot = page.getByRole('alert').filter({ hasText: /^Could not verify the activity log/ });
  const failed = page.getByRole('alert').filter({ hasText: /^Something went wrong/ });
  try {
    await ok.or(alarm).or(couldNot).or(failed).first().waitFor({ timeout });
  } catch {
    throw new Error(`No audit verdict on the security page after ${timeout} ms.\n${await pageReport(page)}`);
  }
  if (await ok.isVisible()) return 'ok';
  if (await alarm.isVisible()) return 'alarm';
  return (await couldNot.count()) > 0 ? 'could-not-verify' : 'activity-failed';
}

/** Waits for the verdict and requires it to be "verified"; otherwise fails with what the page says instead. */
export async function expectAuditOk(page: Page, timeout = 20_000): Promise<void> {
  const outcome = await auditOutcome(page, timeout);
  if (outcome !== 'ok') {
    throw new Error(`The audit verdict is "${outcome}", not ok.\n${await pageReport(page)}`);
  }
}
