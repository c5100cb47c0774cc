import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeicDecoder, type HeicDecoder } from './heic-wasm.ts';
import { PHOTOS_DIR } from './test-corpus.ts';

// HEVC-coded: the sharp build cannot decode these, only the WebAssembly decoder.
const PORTRAIT = path.join(PHOTOS_DIR, 'heic/apple-iphone11pro-IMG_2927.HEIC');
const SMALL = path.join(PHOTOS_DIR, 'heic/libheif-example-noexif.heic');

const waitUntil = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

describe('HEIC decoding in a worker thread', () => {
  let decoder: HeicDecoder | undefined;
  afterEach(() => decoder?.stop());

  it('decodes a 12 MP iPhone HEIC at full size, or halved down to what the caller needs', async () => {
    decoder = createHeicDecoder(60_000);
    const full = await decoder.decode(PORTRAIT);
    expect([full.width, full.height, full.pixelWidth, full.pixelHeight]).toEqual([3024, 4032, 3024, 4032]);
    expect(full.data.byteLength).toBe(3024 * 4032 * 4);
    // A 1440-pixel preview needs at least 1440 pixels on the long side: 4032 -> 2016, not 1008.
    const halved = await decoder.decode(PORTRAIT, 1440);
    expect([halved.width, halved.height, halved.pixelWidth, halved.pixelHeight]).toEqual([
      3024, 4032, 1512, 2016,
    ]);
    expect(halved.data.byteLength).toBe(1512 * 2016 * 4);
    // Averages of the same picture: the mean brightness hardly moves.
    const mean = (p: Uint8Array) =>
      p.reduce((sum, v, i) => (i % 4 === 3 ? sum : sum + v), 0) / (p.length * 0.75);
    expect(Math.abs(mean(full.data) - mean(halved.data))).toBeLessThan(1);
  }, 60_000);

  it('ends its thread (and frees its memory) once idle, and starts a new one when needed', async () => {
    decoder = createHeicDecoder(100);
    expect(decoder.running).toBe(false);
    const first = decoder.decode(SMALL);
    expect(decoder.running).toBe(false); // queued: the thread starts when its turn comes
    expect((await first).width).toBe(1280);
    expect(decoder.running).toBe(true);
    await waitUntil(() => !decoder?.running, 5000);
    expect(decoder.running).toBe(false);
    expect((await decoder.decode(SMALL)).height).toBe(854);
  }, 60_000);

  it('rejects what it cannot decode and keeps serving the photos after it, in order', async () => {
    decoder = createHeicDecoder(60_000);
    const order: string[] = [];
    const results = await Promise.allSettled([
      decoder
        .decode(path.join(PHOTOS_DIR, 'malformed/libheif-fuzz-github_15.heic'))
        .finally(() => order.push('bad')),
      decoder.decode(SMALL).finally(() => order.push('small')),
    ]);
    expect(results[0].status).toBe('rejected');
    expect(results[1].status === 'fulfilled' && results[1].value.width).toBe(1280);
    expect(order).toEqual(['bad', 'small']);
  }, 60_000);

  it('fails a decode whose thread dies, and recovers with a new thread', async () => {
    decoder = createHeicDecoder(60_000);
    await decoder.warm();
    const pending = decoder.decode(PORTRAIT);
    pending.catch(() => undefined);
    // Decoding 12 MP takes about a second: end the thread while it is at it.
    await new Promise((r) => setTimeout(r, 200));
    expect(decoder.running).toBe(true);
    decoder.stop();
    await expect(pending).rejects.toThrow();
    expect((await decoder.decode(SMALL)).width).toBe(1280);
  }, 60_000);
});
