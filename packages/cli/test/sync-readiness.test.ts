import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QUIET_MS, SETTLE_MS, readiness } from '../src/sync/local.ts';
import { cleanUp, tempDir } from './support/cli.ts';
import { corpusBytes, eoiEnds } from './support/jpeg-parts.ts';

const dir = tempDir('readiness');
afterAll(() => cleanUp());

/** Writes `bytes` as a file modified `offsetMs` from now (negative: in the past) and asks whether it may go. */
async function ask(name: string, bytes: Buffer, offsetMs = 0) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const when = (Date.now() + offsetMs) / 1000;
  fs.utimesSync(file, when, when);
  return readiness(file, fs.statSync(file));
}

describe('when the sync agent may send a file (never half-written)', () => {
  const jpeg = corpusBytes('cameras/canon-eos7d.jpg');
  const heic = corpusBytes('heic/oneplus13-gps.heic');

  it('sends a fresh JPEG at once when its structure proves it whole, with the bytes it read', async () => {
    const ready = await ask('whole.jpg', jpeg);
    expect(ready).toMatchObject({ fresh: true });
    expect('bytes' in ready && ready.bytes?.equals(jpeg)).toBe(true);
  });

  it('holds a fresh JPEG cut right after an embedded end marker, or in its image data', async () => {
    for (const cut of [...eoiEnds(jpeg).slice(0, -1), jpeg.length >> 1]) {
      const ready = await ask('cut.jpg', jpeg.subarray(0, cut));
      expect(ready, `cut at ${cut}`).toHaveProperty('wait');
      expect((ready as { wait: number }).wait).toBeGreaterThan(SETTLE_MS / 2);
    }
  });

  it('holds a file whose time is a little ahead of the clock: it is being written now', async () => {
    // Date.now() is whole milliseconds and file times are finer, so a write this instant can look "ahead".
    // That was once taken for a time set on purpose, and the half-written file was sent. (20 ms ahead, so
    // that the check still runs before the clock catches up on a loaded machine.)
    const ready = await ask('now.jpg', jpeg.subarray(0, eoiEnds(jpeg)[0]), 20);
    expect(ready).toHaveProperty('wait');
  });

  it('holds other formats for the settle time, a PNG ending in IEND for the quiet time', async () => {
    expect(await ask('phone.heic', heic)).toMatchObject({ wait: expect.any(Number) as number });
    expect(((await ask('phone.heic', heic)) as { wait: number }).wait).toBeGreaterThan(SETTLE_MS / 2);
    const png = corpusBytes('png/sample-with-exif.png');
    const quiet = await ask('fresh.png', png);
    expect(quiet).toHaveProperty('wait');
    expect((quiet as { wait: number }).wait).toBeLessThanOrEqual(QUIET_MS);
    expect(await ask('still.png', png, -2 * QUIET_MS)).toEqual({ fresh: true });
    expect(await ask('half.png', png.subarray(0, png.length >> 1), -2 * QUIET_MS)).toHaveProperty('wait');
  });

  it('sends settled files, and files whose time was set well in the future on purpose', async () => {
    expect(await ask('old.heic', heic, -2 * SETTLE_MS)).toEqual({ fresh: false });
    expect(await ask('future.heic', heic, 3_600_000)).toEqual({ fresh: false });
  });
});
