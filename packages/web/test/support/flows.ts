/**
 * What the web-flow browser tests (upload, download, viewer, sign-up policies, keyboard) share: a server and Chromium
 * per file, its administrator, fresh users on demand, and two corpus photos.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { adminSession, userSession, type SignedIn } from '../../../server/test/support/api.ts';
import { startBrowserFixture, type BrowserFixture } from './accounts.ts';

export const PHOTO = 'cameras/canon-eos-r5.jpg';
export const OTHER = 'cameras/fujifilm-finepix-s2pro-gps.jpg';
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface FlowFixture {
  /** The server and Chromium (set once beforeAll has run). */
  readonly fx: BrowserFixture;
  /** The server's administrator. */
  readonly admin: SignedIn;
  /** A new user of its own, so tests in a file do not see each other's photos. */
  newUser(): Promise<SignedIn>;
}

/** Starts the fixture before the file's tests and closes it after; `prefix` names the users' e-mail addresses. */
export function useFlowFixture(prefix: string): FlowFixture {
  let fx: BrowserFixture | undefined;
  let admin: SignedIn | undefined;
  let users = 0;
  beforeAll(async () => {
    fx = await startBrowserFixture();
    admin = await adminSession(fx.server.url);
  }, 120_000);
  afterAll(async () => {
    await fx?.close();
  }, 60_000);
  const started = () => {
    if (!fx || !admin) throw new Error('the flow fixture is used before beforeAll ran');
    return { fx, admin };
  };
  return {
    get fx() {
      return started().fx;
    },
    get admin() {
      return started().admin;
    },
    newUser: () =>
      userSession(started().fx.server.url, started().admin.client, `${prefix}${++users}@example.com`),
  };
}
