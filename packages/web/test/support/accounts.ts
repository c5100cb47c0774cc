/**
 * What the security browser tests share: a server (with a loopback SMTP inbox when asked) and Chromium started
 * together, browsers opened as a signed-in session, a second browser brought to the "Approve this browser" screen,
 * codes read from the mail, and browsers with a DevTools virtual passkey authenticator.
 */
import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ConfigInput } from '../../../server/src/config.ts';
import type { Clock } from '../../../server/src/platform/clock.ts';
import { eventually, PASSWORD } from '../../../server/test/support/api.ts';
import { startSmtp } from '../../../server/test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import { DESKTOP, ensureWebBuilt, launchChromium } from './browser.ts';

export type Mailbox = Awaited<ReturnType<typeof startSmtp>>;

export interface BrowserFixture {
  server: TestServer;
  browser: Browser;
  /** The loopback SMTP server the Shoebox server sends through, when the fixture was asked for mail. */
  mail: Mailbox | null;
  /** Closes the browser, the server and the mail server, whichever were started. */
  close(): Promise<void>;
}

/** Builds the app if needed, then starts a SQLite server (sending mail to a loopback inbox if `mail`) and Chromium. */
export async function startBrowserFixture(
  options: { mail?: boolean; clock?: Clock; config?: Partial<ConfigInput> } = {},
): Promise<BrowserFixture> {
  ensureWebBuilt();
  const mail = options.mail ? await startSmtp() : null;
  const config = { ...(mail ? { smtpUrl: mail.url } : {}), ...options.config };
  const [server, browser] = await Promise.all([
    startTestServer('sqlite', { ...(options.clock ? { clock: options.clock } : {}), config }),
    launchChromium(),
  ]);
  return {
    server,
    browser,
    mail,
    async close() {
      await browser.close();
      await server.close();
      await mail?.close();
    },
  };
}

/** The server's address at `localhost`: WebAuthn refuses IP addresses as relying-party ids. */
export function passkeyUrl(server: TestServer): string {
  return server.url.replace('127.0.0.1', 'localhost');
}

/** A clock the server reads and the test moves on (`skew` in ms), e.g. past a resend delay or a 15-minute window. */
export function movableClock(): Clock & { skew: number } {
  const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
  return clock;
}

/** A desktop browser context in British English at UTC, as the tests' screenshots and texts expect. */
export async function desktopContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** A desktop context whose pages start signed in as the session whose bearer token is `token` (nothing opened yet). */
export async function signedInContext(
  browser: Browser,
  token: string | undefined,
): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await desktopContext(browser);
  await opened.page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token ?? '')})`);
  return opened;
}

/** Opens `url` in `page` as the session whose bearer token is `token` (the app keeps it in localStorage). */
export async function openSignedIn(page: Page, url: string, token: string | undefined): Promise<void> {
  await page.addInitScript(`localStorage.setItem('shoebox.token', ${JSON.stringify(token ?? '')})`);
  await page.goto(url);
}

/**
 * A new browser signs in with the account's password and waits to be let in: returns the "Let this browser in
 * with" choice once it offers `method` (the offers load after the waiting screen appears).
 */
export async function signInAsNewBrowser(
  page: Page,
  url: string,
  email: string,
  method: string,
): Promise<Locator> {
  await page.goto(url);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Approve this browser' }).waitFor();
  const methods = page.getByLabel('Let this browser in with');
  await expect
    .poll(async () => (await methods.locator('option').allTextContents()).join('|'))
    .toContain(method);
  return methods;
}

/**
 * The code in a mail whose text matches `pattern` (its first group is the code), once it has arrived: the `nth`
 * such mail (1-based, default the first), only among mails to `to` when given.
 */
export async function mailedCode(
  mail: Mailbox | null,
  pattern: RegExp,
  pick: { to?: string; nth?: number } = {},
): Promise<string> {
  if (!mail) throw new Error('this fixture was started without mail');
  const { to, nth = 1 } = pick;
  const found = await eventually(
    () =>
      Promise.resolve(
        mail.inbox.filter((m) => pattern.test(m.text) && (to === undefined || m.to.includes(to)))[nth - 1],
      ),
    10_000,
    `mail ${nth} matching ${String(pattern)}${to ? ` to ${to}` : ''}`,
  );
  return pattern.exec(found.text)?.[1] ?? '';
}

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

export interface AuthenticatorBrowser {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/**
 * A desktop browser context with its own virtual platform authenticator (CTAP2, internal, resident keys, user
 * verification), optionally already holding a credential (a passkey synced from another device).
 */
export async function contextWithAuthenticator(
  browser: Browser,
  credential?: VirtualCredential,
): Promise<AuthenticatorBrowser> {
  const { context, page } = await desktopContext(browser);
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

/** The credentials the virtual authenticator holds. */
export async function credentialsOf(held: AuthenticatorBrowser): Promise<VirtualCredential[]> {
  const { credentials } = await held.cdp.send('WebAuthn.getCredentials', {
    authenticatorId: held.authenticatorId,
  });
  return credentials as VirtualCredential[];
}
