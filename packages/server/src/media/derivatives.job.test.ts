import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../../test/support/corpus.ts';
import { DETECT_BYTES, detectMediaType } from '../adapters/media/index.ts';
import { slotsFor } from './derivatives.job.ts';

const readCorpusHead = (relative: string) => fs.readFileSync(corpusFile(relative)).subarray(0, DETECT_BYTES);

describe('decode slots per photo', () => {
  const heic = detectMediaType(readCorpusHead('heic/apple-iphone11pro-IMG_2927.HEIC'));
  const jpeg = detectMediaType(readCorpusHead('phones/apple-iphone11-IMG_5813.JPG'));

  it('lets a HEIC decode beside one other photo, never beside two', () => {
    expect(heic?.family).toBe('heif');
    expect(slotsFor(heic as NonNullable<typeof heic>, 2)).toBe(1);
    expect(slotsFor(heic as NonNullable<typeof heic>, 4)).toBe(3);
    expect(slotsFor(heic as NonNullable<typeof heic>, 1)).toBe(1);
  });

  it('gives every other photo one slot', () => {
    expect(jpeg?.family).toBe('jpeg');
    expect(slotsFor(jpeg as NonNullable<typeof jpeg>, 4)).toBe(1);
  });
});
