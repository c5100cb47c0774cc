import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HEIC_RETAIN_HEAP_BYTES, createHeicDecoder, type HeicDecoder } from './heic-wasm.ts';
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
    // RGB: libheif's YCbCr planes converted in the thread, not its 4-byte RGBA.
    expect(full.channels).toBe(3);
    expect(full.data.byteLength).toBe(3024 * 4032 * 3);
    // A 1440-pixel preview needs at least 1440 pixels on the long side: 4032 -> 2016, not 1008.
    const halved = await decoder.decode(PORTRAIT, 1440);
    expect([halved.width, halved.height, halved.pixelWidth, halved.pixelHeight]).toEqual([
      3024, 4032, 1512, 2016,
    ]);
    expect(halved.data.byteLength).toBe(1512 * 2016 * 3);
    // Averages of the same picture: the mean brightness hardly moves.
    const mean = (p: Uint8Array) => p.reduce((sum, v) => sum + v, 0) / p.length;
    expect(Math.abs(mean(full.data) - mean(halved.data))).toBeLessThan(1);
  }, 60_000);

  it('converts YCbCr in the thread to the colours libheif gives, and lets libheif convert when asked', async () => {
    decoder = createHeicDecoder(60_000);
    const libheif = createHeicDecoder(60_000, { libheifConversion: true });
    try {
      // 12 MP, halved: the path every iPhone photo takes (BT.601, full range, 4:2:0).
      const ours = await decoder.decode(PORTRAIT, 1440);
      const theirs = await libheif.decode(PORTRAIT, 1440);
      expect(theirs.channels).toBe(4);
      expect([theirs.pixelWidth, theirs.pixelHeight]).toEqual([ours.pixelWidth, ours.pixelHeight]);
      const samples = ours.pixelWidth * ours.pixelHeight * 3;
      let [total, far] = [0, 0];
      for (let p = 0; p < ours.pixelWidth * ours.pixelHeight; p++) {
        for (let c = 0; c < 3; c++) {
          const d = Math.abs((ours.data[p * 3 + c] ?? 0) - (theirs.data[p * 4 + c] ?? 0));
          total += d;
          if (d > 2) far++;
        }
      }
      // The same picture up to rounding. libheif clamps each pixel to 0-255 before the 2x2 average, we after it,
      // which moves a few saturated edge pixels further (0.05% here, by up to 16).
      expect(total / samples).toBeLessThan(0.25);
      expect(far / samples).toBeLessThan(0.001);
    } finally {
      libheif.stop();
    }
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

  it('ends a thread whose heap has grown large once no decode waits, before returning the pixels', async () => {
    decoder = createHeicDecoder(60_000);
    const small = await decoder.decode(SMALL);
    expect(small.heapBytes).toBeLessThan(HEIC_RETAIN_HEAP_BYTES);
    expect(decoder.running).toBe(true); // kept for the next HEIC until idle
    decoder.stop();
    decoder = createHeicDecoder(60_000, { retainHeapBytes: small.heapBytes - 1 });
    const first = decoder.decode(SMALL);
    const second = decoder.decode(SMALL);
    await first;
    expect(decoder.running).toBe(true); // the second still needs it
    expect((await second).width).toBe(1280);
    expect(decoder.running).toBe(false);
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
