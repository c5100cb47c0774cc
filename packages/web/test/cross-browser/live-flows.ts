/**
 * The live flows of the main flows, in the windows they already signed in: this window removes the second
 * profile's device and that profile is signed out at once (WebSocket), then the real `shoebox` CLI signs in as a
 * new device, is let in from this window's approval banner, uploads, and the photo appears without a reload.
 */
import { afterAll, expect, it } from 'vitest';
import { corpusFile } from '../../../server/test/support/corpus.ts';
import { cleanUp, Device } from '../../../cli/test/support/cli.ts';
import type { UploadJson } from '../../../cli/test/support/photos.ts';
import type { Session } from '../support/cross-browser/session.ts';

export interface LiveFlowsState {
  url: string;
  email: string;
  password: string;
  /** The name describeThisBrowser() gives both windows (they are the same browser). */
  deviceName: string;
  /** Photos in the library when these flows start. */
  photos: number;
  page: Session;
  /** The approved second profile, still open. */
  second: Session | undefined;
  closeSecond(): Promise<void>;
}

/** Older than every photo the main flows upload, so the newest cell stays one uploaded from this browser. */
const CLI_PHOTO = corpusFile('cameras/nikon-d3100-gps.jpg');
const CLI_DEVICE = 'Zhang’s laptop';

/** Registers the live flows; `state` is read when each test runs, after the main flows' earlier tests. */
export function liveFlows(state: () => LiveFlowsState): void {
  afterAll(cleanUp);

  it('signs the second profile out live when this one removes its device', async () => {
    const { url, page, second, deviceName } = state();
    if (!second) throw new Error('the second profile did not sign in (see the test before)');
    await page.goto(`${url}/devices`);
    await page.waitFor({ role: 'heading', name: 'Devices' });
    // Both windows are "Firefox on Linux" (or Safari): the other one is the card without the current pill.
    await page.click({ css: 'li.device:not(:has(.pill--current)) .device__remove' });
    const confirm = { role: 'dialog', name: `Remove “${deviceName}”?` };
    await page.waitFor(confirm);
    await page.click({ role: 'button', name: 'Remove', within: confirm });

    await second.waitFor({ text: 'Your session ended. Please sign in again.' }, 15_000);
    await second.waitFor({ role: 'heading', name: 'Sign in' });
    await second.check('removed-device-signed-out');
    await state().closeSecond(); // its part is done
    await page.waitFor({ text: `“${deviceName}” was removed` });
    // It stays listed, among the removed devices, with nothing left to remove.
    await page.waitFor({ css: 'li.device--removed', text: new RegExp(deviceName) });
    await page.waitGone({ css: 'li.device:not(:has(.pill--current)) .device__remove' });
  }, 90_000);

  it(
    'shows a photo uploaded by the CLI live, after letting the CLI in from the banner',
    () => cliUploadAppearsLive(state()),
    120_000,
  );
}

/** What the CLI flow needs: a window signed in to a library of `photos` (at least 2) photos, and the password. */
export type CliFlowState = Pick<LiveFlowsState, 'url' | 'email' | 'password' | 'page' | 'photos'>;

/** The real `shoebox` CLI signs in, is let in from the window's approval banner, uploads; the photo appears live. */
export async function cliUploadAppearsLive({
  url,
  email,
  password,
  page,
  photos,
}: CliFlowState): Promise<void> {
  await page.goto(url);
  await page.waitFor({ text: new RegExp(`^${photos} photos$`) });

  const cli = new Device(url, 'cli');
  const login = await cli.json<{ status: string }>(
    ['login', '--email', email, '--password-stdin', '--device-name', CLI_DEVICE],
    { stdin: `${password}\n` },
  );
  expect(login.status).toBe('pending');
  const banner = { role: 'alert', name: 'New device approval' };
  await page.waitFor({ ...banner, text: new RegExp(`“${CLI_DEVICE}.*” wants to sign in`) });
  await page.click({ role: 'button', name: 'Allow', within: banner });
  const code = (await page.textMatching({ css: '[data-testid="banner-code"]' }, /\d/)).replace(/\D/g, '');
  expect(code).toMatch(/^\d{6}$/);
  expect(await cli.json(['enrol', '--code', code])).toMatchObject({ state: 'approved' });
  await page.click({ role: 'button', name: 'Done' });

  const uploaded = await cli.json<UploadJson>(['upload', CLI_PHOTO]);
  expect(uploaded).toMatchObject({ uploaded: 1, failed: 0 });
  // No reload: the socket's feed message brings the new photo into the open timeline.
  await page.waitFor({ text: new RegExp(`^${photos + 1} photos$`) }, 15_000);
  await page.click({ css: '.cell__open', name: /(5 Jun(e)? 2017|Jun(e)? 5, 2017)/ });
  await page.textMatching({ css: '[data-testid="provenance"]' }, new RegExp(`Uploaded from ${CLI_DEVICE}`));
  await page.shoot('cli-photo-live');
  await page.press('Escape');
  await page.waitGone({ role: 'dialog', name: 'Photo viewer' });
}
