/**
 * Passkeys in a real Chromium with the DevTools virtual authenticator (CTAP2, internal, resident keys, user
 * verification): add a passkey on the Security page, let a new browser in with it after its password, and sign in
 * with the passkey alone. The TOTP set-up shows its QR code. The app is opened at `localhost`: WebAuthn refuses IP
 * addresses as relying-party ids.
 */
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, Device, PasskeyList } from '@shoebox/shared';
import { adminSession, PASSWORD, type SignedIn } from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'passkeys@example.com';

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

/** A browser context with its own virtual platform authenticator, optionally holding a (synced) credential. */
async function contextWithAuthenticator(browser: Browser, credential?: VirtualCredential) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  if (credential) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
  return { context, page, cdp, authenticatorId };
}

async function credentialsOf(cdp: CDPSession, authenticatorId: string): Promise<VirtualCredential[]> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials as VirtualCredential[];
}

describe('passkeys in Chromium with a virtual authenticator', () => {
  let server: TestServer;
  let url: string;
  let browser: Browser;
  let admin: SignedIn;
  let owner: Awaited<ReturnType<typeof contextWithAuthenticator>>;
  let synced: VirtualCredential;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    url = server.url.replace('127.0.0.1', 'localhost');
    admin = await adminSession(server.url, EMAIL);
    owner = await contextWithAuthenticator(browser);
    contexts.push(owner.context);
    await owner.page.addInitScript(
      `localStorage.setItem('shoebox.token', ${JSON.stringify(admin.client.token)})`,
    );
    await owner.page.goto(`${url}/security`);
    await owner.page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
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
    const [credential] = await credentialsOf(owner.cdp, owner.authenticatorId);
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    synced = credential as VirtualCredential;
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'security-passkeys.png'), fullPage: true });
  });

  it('lets a new browser in after its password with the passkey', async () => {
    // The same passkey, synced to the new computer (as a platform passkey manager does).
    const laptop = await contextWithAuthenticator(browser, synced);
    contexts.push(laptop.context);
    const page = laptop.page;
    await page.goto(url);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Approve this browser' }).waitFor();
    const methods = page.getByLabel('Let this browser in with');
    await expect
      .poll(async () => (await methods.locator('option').allTextContents()).join('|'))
      .toContain('A passkey');
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
    [synced] = (await credentialsOf(laptop.cdp, laptop.authenticatorId)) as [VirtualCredential];
  });

  it('signs in with the passkey alone, with no e-mail or password', async () => {
    const phone = await contextWithAuthenticator(browser, synced);
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
