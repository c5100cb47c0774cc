/**
 * Passkeys when Shoebox is opened at an IP address (http://127.0.0.1:PORT) in Chromium: WebAuthn refuses IP
 * addresses, so the sign-in screen explains instead of offering a button that can only fail, and the Security
 * page's "Add a passkey" is off and says why. At a name (localhost), a passkey prompt that fails is described in
 * words for people, never with the browser's own message.
 */
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, type SignedIn } from '../../server/test/support/api.ts';
import {
  contextWithAuthenticator,
  desktopContext,
  openSignedIn,
  passkeyUrl,
  startBrowserFixture,
  type BrowserFixture,
} from './support/accounts.ts';
import { SHOTS } from './support/browser.ts';

const IP_NOTE = 'Passkeys need the server’s name, not its IP address';

describe('passkeys at an IP address in Chromium', () => {
  let fixture: BrowserFixture;
  let admin: SignedIn;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    fixture = await startBrowserFixture();
    admin = await adminSession(fixture.server.url, 'passkey-ip@example.com');
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await fixture?.close();
  }, 60_000);

  it('explains on the sign-in screen instead of offering a passkey button', async () => {
    expect(fixture.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { context, page } = await desktopContext(fixture.browser);
    contexts.push(context);
    await page.goto(fixture.server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText(IP_NOTE).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    expect(await page.getByText('invalid domain').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'sign-in-passkey-ip.png') });
  });

  it('turns "Add a passkey" off on the Security page and says why', async () => {
    const { context, page } = await desktopContext(fixture.browser);
    contexts.push(context);
    await openSignedIn(page, `${fixture.server.url}/security`, admin.client.token);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Passkeys' }) });
    await section.getByText(IP_NOTE).waitFor();
    const add = section.getByRole('button', { name: 'Add a passkey' });
    expect(await add.isDisabled()).toBe(true);
    expect(await add.getAttribute('aria-describedby')).toBeTruthy();
  });

  it('words a failed passkey prompt for people at a name', async () => {
    const held = await contextWithAuthenticator(fixture.browser);
    contexts.push(held.context);
    const page = held.page;
    // The prompt closed or timed out: Chromium's own message names a W3C section.
    await page.addInitScript(`
      navigator.credentials.get = () => Promise.reject(new DOMException(
        'The operation either timed out or was not allowed. See: https://www.w3.org/TR/webauthn-2/#sctn-privacy-considerations-client.',
        'NotAllowedError',
      ));
    `);
    await page.goto(passkeyUrl(fixture.server));
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('No passkey was used').waitFor();
    expect(await alert.innerText()).not.toMatch(/w3\.org|operation/);
  });

  it('words adding the same passkey twice for people', async () => {
    const held = await contextWithAuthenticator(fixture.browser);
    contexts.push(held.context);
    const page = held.page;
    await openSignedIn(page, `${passkeyUrl(fixture.server)}/security`, admin.client.token);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Passkeys' }) });
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await section.getByTestId('passkeys').waitFor();
    await section.getByRole('checkbox', { name: 'Sign out everywhere else' }).uncheck();
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    const alert = section.getByRole('alert');
    await alert.getByText('This passkey is already on your account.').waitFor();
    expect(await alert.innerText()).not.toMatch(/previously registered/);
  });
});
