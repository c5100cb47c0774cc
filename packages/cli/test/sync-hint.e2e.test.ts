import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDelivery } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanUp, tempDir, type Device } from './support/cli.ts';
import { corpusBytes } from './support/jpeg-parts.ts';
import { sha256 } from './support/photos.ts';
import { api, listFiles, startAgent, trustedPair, until, type SyncJson } from './sync-helpers.ts';

const TRACE = { SHOEBOX_SYNC_TRACE: '1' };
const deviceIdOf = (device: Device) =>
  (JSON.parse(fs.readFileSync(path.join(device.home, 'device.json'), 'utf8')) as { deviceId: string })
    .deviceId;

// The server's hint for a new upload carries the photo, and an agent fetches it before reading the feed page:
// the file must still arrive exactly once, the uploader must not fetch its own photo back, and the delivery
// record must say when the device got it (the page read after the download is what acknowledges it).
describe('shoebox sync: photos fetched straight from the hint', { timeout: 180_000 }, () => {
  let server: TestServer;
  let a: Device;
  let b: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ a, b } = await trustedPair(server.url, 'hint@example.com'));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('lands once, before the page is read, and is recorded as delivered; so does each of a burst', async () => {
    const dirA = tempDir('hint-a');
    const dirB = tempDir('hint-b');
    const agentA = startAgent(a, dirA, ['--interval', '600'], TRACE);
    const agentB = startAgent(b, dirB, ['--interval', '600'], TRACE);
    let reports: [SyncJson, SyncJson] | undefined;
    try {
      await Promise.all([agentA.waitFor('up to date', 90_000), agentB.waitFor('up to date', 90_000)]);
      const base = corpusBytes('cameras/canon-eos7d.jpg');
      fs.writeFileSync(path.join(dirA, 'one.jpg'), base);
      const arrived = await until(
        () => listFiles(dirB).find((f) => f.endsWith('one.jpg')),
        30_000,
        'one.jpg in B',
      );
      expect(sha256(path.join(dirB, arrived))).toBe(sha256(path.join(dirA, 'one.jpg')));
      // B's trace: the download came between the hint and the page that listed the photo.
      await agentB.waitFor('page 1', 20_000);
      const lines = agentB.stderr().split('\n');
      const hint = lines.findLastIndex((l) => l.includes(' hint'));
      const down = lines.findIndex((l) => l.startsWith('downloaded') && l.endsWith('one.jpg'));
      const page = lines.findIndex((l, i) => i > down && l.includes(' page '));
      expect(hint, agentB.stderr()).toBeGreaterThanOrEqual(0);
      expect(lines.findIndex((l) => l.includes(' hint'))).toBeLessThan(down);
      expect(page).toBeGreaterThan(down);

      // Delivered, as acknowledged by the page read after the download.
      const { items: photos } = await api(a)<{ items: { id: string; sha256: string }[] }>('GET', '/photos');
      const photo = photos.find((p) => p.sha256 === sha256(path.join(dirA, 'one.jpg')));
      expect(photo).toBeDefined();
      const delivered = async () =>
        (await api(a)<{ items: PhotoDelivery[] }>('GET', `/sync/deliveries/${photo?.id}`)).items.find(
          (d) => d.deviceId === deviceIdOf(b),
        );
      let toB = await delivered();
      for (let i = 0; i < 100 && !toB?.delivered; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        toB = await delivered();
      }
      expect(toB).toMatchObject({ delivered: true, via: 'changes' });

      // A burst (more than are fetched from hints at once: the rest go through the feed) arrives once each.
      const burst = Array.from({ length: 6 }, (_, i) => `burst-${i}.jpg`);
      for (const name of burst)
        fs.writeFileSync(path.join(dirA, name), Buffer.concat([base, randomBytes(8)]));
      await until(
        () => burst.every((name) => listFiles(dirB).some((f) => f.endsWith(`/${name}`))) || undefined,
        60_000,
        'the burst in B',
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(listFiles(dirB)).toHaveLength(1 + burst.length);
      // The uploader did not fetch its own photos back.
      expect(listFiles(dirA).sort()).toEqual(['one.jpg', ...burst].sort());
    } finally {
      const ends = await Promise.all([agentA.stop(), agentB.stop()]);
      for (const end of ends) expect(end.code, end.stderr).toBe(0);
      reports = ends.map((end) => JSON.parse(end.stdout) as SyncJson) as [SyncJson, SyncJson];
    }
    expect(reports[0]).toMatchObject({ uploaded: 7, downloaded: 0, errors: [] });
    expect(reports[1]).toMatchObject({ uploaded: 0, downloaded: 7, errors: [] });
  });
});
