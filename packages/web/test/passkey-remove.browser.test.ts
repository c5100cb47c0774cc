/**
 * Removing a passkey on the Security page in Chromium with the DevTools virtual authenticator: the passkey leaves
 * the list and the account, the other sessions end (the box is ticked by default), the activity records it, and
 * the browser that still holds the credential can no longer sign in with it. Opened at `localhost`: WebAuthn
 * refuses IP addresses as relying-party ids.
 */
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, PasskeyList } from '@shoebox/shared';
import {
  createAccount,
  deviceDescription,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import {
  contextWithAuthenticator,
  credentialsOf,
  openSignedIn,
  passkeyUrl,
  startBrowserFixture,
  type BrowserFixture,
} from './support/accounts.ts';
import { seriousAxeViolations, SHOTS } from './support/browser.ts';

const EMAIL = 'remove-passkey@example.com';
const LAPTOP = deviceDescription('Laptop');

describe('removing a passkey in Chromium', () => {
  let fixture: BrowserFixture;
  let url: string;
  let owner: SignedIn;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    fixture = await startBrowserFixture();
    url = passkeyUrl(fixture.server);
    await createAccount(fixture.server.url, EMAIL);
    owner = await signIn(fixture.server.url, EMAIL, LAPTOP);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await fixture?.close();
  }, 60_000);

  it('removes the passkey, signs out the other sessions, and the passkey no longer signs in', async () => {
    const laptop = await contextWithAuthenticator(fixture.browser);
    contexts.push(laptop.context);
    const page = laptop.page;
    await openSignedIn(page, `${url}/security`, owner.client.token);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Passkeys' }) });
    await section.getByLabel('Current password').fill(PASSWORD);
    await section.getByLabel('Name of the passkey').fill('Work laptop');
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await section.getByTestId('passkeys').getByText('Work laptop').waitFor();
    const [held] = await credentialsOf(laptop);
    expect(held).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

    // Another session of the same laptop (a second tab, say), opened after the passkey was added.
    const other = await signIn(fixture.server.url, EMAIL, LAPTOP);
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
    const phone = await contextWithAuthenticator(fixture.browser, held);
    contexts.push(phone.context);
    await phone.page.goto(url);
    await phone.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await phone.page.locator('.form__error[role=alert]').waitFor();
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await phone.page.screenshot({ path: path.join(SHOTS, 'sign-in-removed-passkey.png') });
  }, 90_000);
});
