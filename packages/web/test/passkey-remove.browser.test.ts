/**
 * Removing a passkey on the Security page in Chromium with the DevTools virtual authenticator: the passkey leaves
 * the list and the account, the other sessions end (the box is ticked by default), the activity records it, and
 * the browser that still holds the credential can no longer sign in with it. Opened at `localhost`: WebAuthn
 * refuses IP addresses as relying-party ids.
 */
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, PasskeyList } from '@shoebox/shared';
import {
  createAccount,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium, seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'remove-passkey@example.com';
const LAPTOP = deviceDescription('Laptop');

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

/** A browser context with its own virtual platform authenticator (CTAP2, resident keys, user verification). */
async function contextWithAuthenticator(browser: Browser, credential?: VirtualCredential) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
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

describe('removing a passkey in Chromium', () => {
  let server: TestServer;
  let url: string;
  let browser: Browser;
  let owner: SignedIn;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
    url = server.url.replace('127.0.0.1', 'localhost');
    await createAccount(server.url, EMAIL);
    owner = await signIn(server.url, EMAIL, LAPTOP);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('removes the passkey, signs out the other sessions, and the passkey no longer signs in', async () => {
    const laptop = await contextWithAuthenticator(browser);
    contexts.push(laptop.context);
    const page = laptop.page;
    await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(owner.client.token)})`);
    await page.goto(`${url}/security`);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Passkeys' }) });
    await section.getByLabel('Current password').fill(PASSWORD);
    await section.getByLabel('Name of the passkey').fill('Work laptop');
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await section.getByTestId('passkeys').getByText('Work laptop').waitFor();
    const { credentials } = await laptop.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: laptop.authenticatorId,
    });
    const [held] = credentials as VirtualCredential[];
    expect(held).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

    // Another session of the same laptop (a second tab, say), opened after the passkey was added.
    const other = await signIn(server.url, EMAIL, LAPTOP);
    expect((await other.client.get('/api/me')).status).toBe(200);

    expect(await section.getByRole('checkbox', { name: 'Sign out everywhere else' }).isChecked()).toBe(true);
    await section.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
    await section.getByRole('status').getByText('Passkey removed. 1 other session signed out.').waitFor();
    await section.getByText('No passkeys yet.').waitFor();
    expect(await section.getByTestId('passkeys').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'security-passkey-removed.png'), fullPage: true });

    expect((await owner.client.get<PasskeyList>('/api/account/passkeys')).body.items).toEqual([]);
    expect((await other.client.get('/api/me')).status).toBe(401);
    expect((await owner.client.get('/api/me')).status).toBe(200);
    const activity = (await owner.client.get<ActivityPage>('/api/activity?limit=50')).body.items;
    expect(activity.filter((a) => a.kind === 'factor.removed')).toHaveLength(1);

    // The authenticator still holds the credential, but the server no longer accepts it.
    const phone = await contextWithAuthenticator(browser, held);
    contexts.push(phone.context);
    await phone.page.goto(url);
    await phone.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await phone.page.locator('.form__error[role=alert]').waitFor();
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await phone.page.screenshot({ path: path.join(SHOTS, 'sign-in-removed-passkey.png') });
  }, 90_000);
});
