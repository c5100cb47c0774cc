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

  it('keeps the decoder words when it has nothing better to say', async () => {
    const path = await fileWith(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const said = await explainFailure(new Error('something odd.'), path, jpeg);
    expect(said).toBe('The JPEG image could not be decoded (something odd).');
  });
});
