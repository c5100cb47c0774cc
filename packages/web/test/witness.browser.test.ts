/**
 * The browser as a witness of the audit log (issue 5 req. 4), in Chromium against a real server: on start it keeps
 * the server's checkpoint without the Security page being opened; when the live channel says the library changed it
 * checks the new one, and a checkpoint that goes backwards (an older, genuinely signed one, served to the browser)
 * raises a banner on the page the person is on and is reported to the server, which records it in the activity.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import {
  MemoryNodeSource,
  consistencyProof,
  fromBase64,
  leafHash,
  rootAt,
  signCheckpoint,
  toBase64,
} from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  approvedDevice,
  distinctCopy,
  eventually,
  type SignedIn,
  type TestClient,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import type { TestServer } from '../../server/test/support/test-server.ts';
import { signedInContext, startBrowserFixture, type BrowserFixture } from './support/accounts.ts';
import { SHOTS } from './support/browser.ts';

const EMAIL = 'admin@example.com';
const PHOTO = corpusFile('cameras/casio-ex-z3.jpg');

interface CheckpointReply {
  size: number;
  note: string;
  root: string;
  origin: string;
}
interface ActivityItem {
  kind: string;
  detail: Record<string, unknown>;
}

describe('the browser witnesses the audit log', () => {
  let server: TestServer;
  let fx: BrowserFixture;
  let page: Page;
  let owner: SignedIn;
  let phone: SignedIn;
  let uploads = 0;

  const checkpoint = async (client: TestClient) =>
    (await client.get<CheckpointReply>('/api/audit/checkpoint')).body;
  /** Uploads one photo from the phone and waits until a checkpoint covers its audit entry. */
  async function upload(): Promise<CheckpointReply> {
    const before = (await checkpoint(owner.client)).size;
    await phone.client.uploadOk(distinctCopy(PHOTO, `witness-${uploads++}`));
    return eventually(async () => {
      const reply = await checkpoint(owner.client);
      return reply.size > before ? reply : undefined;
    });
  }
  const keptSize = async () => {
    const raw = await page.evaluate<string | null>(`localStorage.getItem('shoebox.audit.witness')`);
    return raw ? (JSON.parse(raw) as { size: number }).size : 0;
  };

  beforeAll(async () => {
    fx = await startBrowserFixture();
    server = fx.server;
    owner = await adminSession(server.url, EMAIL);
    phone = await approvedDevice(server.url, owner.client, EMAIL, 'Zhang’s phone');
    ({ page } = await signedInContext(fx.browser, owner.client.token));
  }, 120_000);

  afterAll(async () => {
    await fx?.close();
  }, 60_000);

  it('keeps the checkpoint on start and alarms, reported to the server, when the log goes back', async () => {
    const older = await upload();
    const newer = await upload();
    expect(newer.size).toBeGreaterThan(older.size);

    let checkpointGets = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/audit/checkpoint')) checkpointGets++;
    });
    // The timeline, not the Security page: the witness runs wherever the app starts.
    await page.goto(server.url);
    await page.getByText('2 photos').first().waitFor();
    await expect.poll(keptSize, { timeout: 20_000 }).toBe(newer.size);
    expect(checkpointGets).toBe(1);
    expect(await page.getByTestId('witness-alarm').count()).toBe(0);

    // From now on the server (so it seems to this browser) answers with its older, genuinely signed checkpoint.
    const rollBack = (route: Route) => route.fulfill({ json: older });
    await page.route('**/api/audit/checkpoint', rollBack);
    // Another device uploads: the live hint is the browser's cue to witness again (within the 30 s throttle).
    await upload();
    await page.getByText('3 photos').first().waitFor();
    const banner = page.getByTestId('witness-alarm');
    await banner.waitFor({ timeout: 45_000 });
    expect(await banner.getAttribute('role')).toBe('alert');
    await banner.getByText('Alarm: the server’s activity log failed this browser’s check').waitFor();
    await banner.getByText('The log went back').waitFor();
    await banner.getByText(/Reported to the server as activity entry #\d+/).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // The kept checkpoint is not replaced by the one that failed.
    expect(await keptSize()).toBe(newer.size);
    await page.screenshot({ path: path.join(SHOTS, 'witness-alarm.png') });

    const activity = await owner.client.get<{ items: ActivityItem[] }>('/api/activity');
    const alarm = activity.body.items.find((i) => i.kind === 'audit.alarm');
    expect(alarm?.detail).toMatchObject({
      problem: 'rolled-back',
      deviceId: owner.deviceId,
      earlier: newer.note,
      later: older.note,
      earlierSigned: true,
      laterSigned: true,
    });

    // The banner stays on every page.
    await page.getByRole('link', { name: 'Albums' }).first().click();
    await page.getByTestId('witness-alarm').waitFor();
    await page.unroute('**/api/audit/checkpoint', rollBack);
  }, 180_000);

  it('calls a log restored from a backup and grown along another branch a rollback, like the CLI', async () => {
    // A fresh browser (nothing kept, no alarm yet) that verifies two checkpoints, A then B.
    const { context, page: fresh } = await signedInContext(fx.browser, owner.client.token);
    const kept = async () => {
      const raw = await fresh.evaluate<string | null>(`localStorage.getItem('shoebox.audit.witness')`);
      return raw ? (JSON.parse(raw) as { size: number }).size : 0;
    };
    const a = await upload();
    await fresh.goto(server.url);
    await expect.poll(kept, { timeout: 20_000 }).toBe(a.size);
    const b = await upload();
    await fresh.reload();
    await expect.poll(kept, { timeout: 20_000 }).toBe(b.size);

    // The server "restored" to A and grew past B along another history, signing with its real key: B's consistency
    // proof cannot pass, A's does. The old browser check said "inconsistent"; the CLI says "rolled back".
    const real = await owner.client.get<{ leaves: string[] }>(`/api/audit/leaves?from=0&to=${a.size}`);
    const leaves = [
      ...real.body.leaves.map((l) => leafHash(fromBase64(l))),
      ...Array.from({ length: b.size - a.size + 3 }, (_, i) => leafHash(new Uint8Array(64).fill(i + 1))),
    ];
    const tree = new MemoryNodeSource(leaves);
    const size = leaves.length;
    const rootHash = rootAt(tree, size);
    const skey = fs.readFileSync(path.join(server.dataDir, 'keys', 'log.key'), 'utf8').trim();
    const note = signCheckpoint(skey, { origin: b.origin, size, rootHash });
    const regrown = { ...b, size, root: toBase64(rootHash), note };
    const serveRegrown = (route: Route) => route.fulfill({ json: regrown });
    const proveRegrown = (route: Route) => {
      const q = new URL(route.request().url()).searchParams;
      const proof = consistencyProof(tree, Number(q.get('from')), Number(q.get('to')));
      return route.fulfill({ json: { from: Number(q.get('from')), to: size, proof: proof.map(toBase64) } });
    };
    await fresh.route('**/api/audit/checkpoint', serveRegrown);
    await fresh.route('**/api/audit/proofs/consistency*', proveRegrown);
    await fresh.reload();
    const banner = fresh.getByTestId('witness-alarm');
    await banner.waitFor({ timeout: 30_000 });
    await banner.getByText('The log went back to an earlier state (restored from a backup?)').waitFor();
    await banner.getByText(/Reported to the server as activity entry #\d+/).waitFor();
    expect(await kept()).toBe(b.size);
    await fresh.screenshot({ path: path.join(SHOTS, 'witness-alarm-regrown.png') });

    const activity = await owner.client.get<{ items: ActivityItem[] }>('/api/activity');
    const alarm = activity.body.items.find((i) => i.kind === 'audit.alarm' && i.detail['later'] === note);
    expect(alarm?.detail).toMatchObject({
      problem: 'rolled-back',
      earlier: b.note,
      earlierSigned: true,
      laterSigned: true,
    });
    expect(String(alarm?.detail['detail'])).toContain(`${b.size} → (${a.size}, ${b.size}) → ${size}`);

    // Another root for A's size (kept, but not the newest): two roots, not merely "went back".
    const forkedRoot = rootAt(new MemoryNodeSource(leaves.slice(1)), a.size);
    const forked = {
      ...a,
      root: toBase64(forkedRoot),
      note: signCheckpoint(skey, { origin: a.origin, size: a.size, rootHash: forkedRoot }),
    };
    await fresh.unroute('**/api/audit/checkpoint', serveRegrown);
    await fresh.route('**/api/audit/checkpoint', (route) => route.fulfill({ json: forked }));
    await fresh.reload();
    await fresh.getByTestId('witness-alarm').waitFor({ timeout: 30_000 });
    await fresh.getByTestId('witness-alarm').getByText('two different logs of the same size').waitFor();
    const forkAlarm = (await owner.client.get<{ items: ActivityItem[] }>('/api/activity')).body.items.find(
      (i) => i.kind === 'audit.alarm' && i.detail['later'] === forked.note,
    );
    expect(forkAlarm?.detail).toMatchObject({ problem: 'two-roots', earlier: a.note, laterSigned: true });
    await context.close();
  }, 180_000);
});
