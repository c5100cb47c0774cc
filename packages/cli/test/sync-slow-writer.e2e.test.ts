import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoPage } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanUp, tempDir, type Device } from './support/cli.ts';
import { corpusBytes, eoiEnds, mpfJpeg } from './support/jpeg-parts.ts';
import { api, startAgent, trustedPair, type SyncJson } from './sync-helpers.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes `bytes` the way a slow copy does: piece by piece into one open file, pausing after each cut. */
async function slowWrite(file: string, bytes: Buffer, cuts: number[], pauseMs: number): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    let from = 0;
    for (const cut of [...cuts.sort((x, y) => x - y), bytes.length]) {
      await handle.write(bytes.subarray(from, cut));
      from = cut;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    await handle.close();
  }
}

// A JPEG is sent as soon as its structure proves it whole, without the settle time: a writer that pauses where
// the bytes so far end like a JPEG (right after an embedded thumbnail, after the first image of an MPF file)
// must still not have its half-file sent. The pauses are shorter than the 1 s settle time, so only the
// structure check can tell.
describe('shoebox sync: a file written slowly', { timeout: 180_000 }, () => {
  let server: TestServer;
  let a: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ a } = await trustedPair(server.url, 'slow@example.com'));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('is never uploaded half-written, however its pauses fall', async () => {
    const dir = tempDir('slow-a');
    const agent = startAgent(a, dir, ['--interval', '600']);
    let report: SyncJson | undefined;
    try {
      await agent.waitFor('up to date', 90_000);
      const thumbed = corpusBytes('cameras/canon-eos7d.jpg');
      const twoImages = mpfJpeg(thumbed, corpusBytes('tricky/samsung-digimax-odd-model-string.jpg'));
      const heic = corpusBytes('heic/oneplus13-gps.heic');
      const files = [
        // Cut after each embedded thumbnail's end marker, and in the middle of the image data.
        {
          name: 'thumbed.jpg',
          bytes: thumbed,
          cuts: [...eoiEnds(thumbed).slice(0, -1), thumbed.length >> 1],
        },
        // Cut after the embedded thumbnails and right after the first image: that prefix is a complete JPEG.
        { name: 'two-images.jpg', bytes: twoImages.bytes, cuts: eoiEnds(twoImages.bytes).slice(0, -1) },
        { name: 'phone.heic', bytes: heic, cuts: [heic.length / 3, (2 * heic.length) / 3].map(Math.floor) },
      ];
      expect(files[1]?.cuts).toContain(twoImages.primaryEnd);
      const started = Date.now();
      await Promise.all(files.map((f) => slowWrite(path.join(dir, f.name), f.bytes, f.cuts, 300)));
      const wanted = new Set(files.map((f) => sha(f.bytes)));
      let page: PhotoPage['items'] = [];
      for (const deadline = Date.now() + 30_000; page.length < 3 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        page = (await api(a)<PhotoPage>('GET', '/photos?status=active&limit=100')).items;
      }
      console.log(`slow writes sent ${Date.now() - started} ms after the first byte (incl. ~1 s of pauses)`);
      expect(new Set(page.map((p) => p.sha256))).toEqual(wanted);
      // Nothing else was ever sent: no prefix was uploaded and then replaced (that would be in the trash).
      const trashed = await api(a)<PhotoPage>('GET', '/photos?status=trashed&limit=100');
      expect(trashed.items).toEqual([]);
    } finally {
      const end = await agent.stop();
      expect(end.code, end.stderr).toBe(0);
      report = JSON.parse(end.stdout) as SyncJson;
    }
    expect(report).toMatchObject({ uploaded: 3, trashedRemote: 0, errors: [] });
  });
});
