/**
 * Passkeys in a real Chromium with the DevTools virtual authenticator (CTAP2, internal, resident keys, user
 * verification): add a passkey on the Security page, let a new browser in with it after its password, and sign in
 * with the passkey alone. The TOTP set-up shows its QR code. The app is opened at `localhost`: WebAuthn refuses IP
 * addresses as relying-party ids.
 */
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, Device, PasskeyList } from '@shoebox/shared';
import { adminSession, PASSWORD, type SignedIn } from '../../server/test/support/api.ts';
import {
  contextWithAuthenticator,
  credentialsOf,
  openSignedIn,
  passkeyUrl,
  signInAsNewBrowser,
  startBrowserFixture,
  type AuthenticatorBrowser,
  type BrowserFixture,
  type VirtualCredential,
} from './support/accounts.ts';
import { seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'passkeys@example.com';

describe('passkeys in Chromium with a virtual authenticator', () => {
  let fixture: BrowserFixture;
  let url: string;
  let admin: SignedIn;
  let owner: AuthenticatorBrowser;
  let synced: VirtualCredential;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    fixture = await startBrowserFixture();
    url = passkeyUrl(fixture.server);
    admin = await adminSession(fixture.server.url, EMAIL);
    owner = await contextWithAuthenticator(fixture.browser);
    contexts.push(owner.context);
    await openSignedIn(owner.page, `${url}/security`, admin.client.token);
    await owner.page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await fixture?.close();
  }, 60_000);

  it('shows the authenticator set-up as a QR code beside the secret', async () => {
    const page = owner.page;
    const totp = page.locator('section', { has: page.getByRole('heading', { name: 'Authenticator app' }) });
    await totp.getByLabel('Current password').fill(PASSWORD);
    await totp.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qr.waitFor();
    await page.waitForFunction(`document.querySelector('[data-testid=totp-qr]')?.naturalWidth > 0`);
    expect(await page.getByTestId('totp-secret').textContent()).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: path.join(SHOTS, 'security-totp-qr.png') });
  });

  it('adds a passkey on the Security page', async () => {
    const page = owner.page;
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Passkeys' }) });
    await section.getByLabel('Current password').fill(PASSWORD);
    await section.getByLabel('Name of the passkey').fill('This laptop');
    // Like every factor change, adding one signs out other sessions unless unticked.
    expect(await section.getByRole('checkbox', { name: 'Sign out everywhere else' }).isChecked()).toBe(true);
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “This laptop” added. 0 other sessions signed out.').waitFor();
    await section.getByTestId('passkeys').getByText('This laptop').waitFor();
    const listed = await admin.client.get<PasskeyList>('/api/account/passkeys');
    expect(listed.body.items).toMatchObject([{ name: 'This laptop', userVerified: true }]);
    const [credential] = await credentialsOf(owner);
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    synced = credential as VirtualCredential;
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'security-passkeys.png'), fullPage: true });
  });

  it('lets a new browser in after its password with the passkey', async () => {
    // The same passkey, synced to the new computer (as a platform passkey manager does).
    const laptop = await contextWithAuthenticator(fixture.browser, synced);
    contexts.push(laptop.context);
    const page = laptop.page;
    const methods = await signInAsNewBrowser(page, url, EMAIL, 'A passkey');
    // No SMTP on this server: no e-mailed code to offer.
    expect(await methods.locator('option').allTextContents()).not.toContain('A code sent by e-mail');
    await methods.selectOption('passkey');
    await page.screenshot({ path: path.join(SHOTS, 'pending-passkey.png') });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    const devices = (await admin.client.get<{ items: Device[] }>('/api/devices')).body.items;
    expect(devices.filter((d) => d.status === 'trusted')).toHaveLength(2);
    const activity = (await admin.client.get<ActivityPage>('/api/activity?limit=50')).body.items;
    expect(activity.find((a) => a.kind === 'enrolment.approved')).toMatchObject({
      factors: ['passkey'],
      detail: { passkey: { userVerified: true } },
    });
    [synced] = (await credentialsOf(laptop)) as [VirtualCredential];
  });

  it('signs in with the passkey alone, with no e-mail or password', async () => {
    const phone = await contextWithAuthenticator(fixture.browser, synced);
    contexts.push(phone.context);
    const page = phone.page;
    await page.goto(url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'sign-in-passkey.png') });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    const activity = (await admin.client.get<ActivityPage>('/api/activity?limit=50')).body.items;
    const signIns = activity.filter((a) => a.kind === 'sign-in.succeeded' && a.factors.includes('passkey'));
    expect(signIns).toHaveLength(1);
    const used = (await admin.client.get<PasskeyList>('/api/account/passkeys')).body.items[0];
    expect(used?.lastUsedAt).not.toBeNull();
  });
});
