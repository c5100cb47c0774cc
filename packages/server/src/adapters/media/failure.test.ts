import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainFailure } from './failure.ts';
import type { MediaType } from './types.ts';

const jpeg: MediaType = { family: 'jpeg', ext: 'jpg', mime: 'image/jpeg' };

async function fileWith(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoebox-failure-'));
  const path = join(dir, 'x.jpg');
  await writeFile(path, bytes);
  return path;
}

describe('explainFailure', () => {
  it('calls a complete JPEG whose decoder only said "warning treated as error" corrupt', async () => {
    // Regression: CI saw this generic line instead of libjpeg's "Corrupt JPEG data" under concurrent decodes.
    const path = await fileWith(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0xff, 0xd9]));
    const said = await explainFailure(
      new Error('Warning treated as error due to failOn setting'),
      path,
      jpeg,
    );
    expect(said).toBe('The JPEG image data is corrupt.');
  });

  it('calls the same vague failure on a JPEG without its end marker truncated', async () => {
    const path = await fileWith(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0x12, 0x34]));
    const said = await explainFailure(
      new Error('Warning treated as error due to failOn setting'),
      path,
      jpeg,
    );
    expect(said).toMatch(/truncated/);
  });

  it('calls a PNG without its IEND truncated, even when the decoder spoke of its structure', async () => {
    // Regression: CI saw a half PNG reported as "structure is damaged" (another decode's words, per-thread buffer).
    const png: MediaType = { family: 'png', ext: 'png', mime: 'image/png' };
    const cut = await fileWith(Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 7)]));
    expect(await explainFailure(new Error('VipsForeignLoad: file structure error'), cut, png)).toMatch(
      /^The file is truncated/,
    );
    const whole = await fileWith(
      Buffer.concat([
        Buffer.from('89504e470d0a1a0a', 'hex'),
        Buffer.alloc(40, 7),
        Buffer.from('IEND\xaeB`\x82'),
      ]),
    );
    expect(await explainFailure(new Error('VipsForeignLoad: file structure error'), whole, png)).toBe(
      'The PNG structure is damaged, so the image cannot be located in the file.',
    );
  });

  it('believes words about a JPEG’s structure even without its EOI (no SOF at all is damage, not a cut)', async () => {
    // Regression: the PNG rule above, applied to JPEGs, called the corpus's kim-photo_45-no-sof.jpg truncated.
    const path = await fileWith(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]));
    expect(await explainFailure(new Error('VipsJpeg: Corrupt header'), path, jpeg)).toBe(
      'The JPEG structure is damaged, so the image cannot be located in the file.',
    );
  });

  it('keeps the decoder words when it has nothing better to say', async () => {
    const path = await fileWith(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const said = await explainFailure(new Error('something odd.'), path, jpeg);
    expect(said).toBe('The JPEG image could not be decoded (something odd).');
  });
});
