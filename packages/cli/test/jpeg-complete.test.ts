import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegComplete } from '../src/sync/jpeg-complete.ts';
import { CORPUS as CORPUS_DIR } from '../../server/test/support/corpus.ts';
import { corpusBytes, eoiEnds, mpfJpeg } from './support/jpeg-parts.ts';

const jpegsUnder = (dir: string): string[] =>
  fs
    .readdirSync(path.join(CORPUS_DIR, dir))
    .filter((n) => /\.jpe?g$/i.test(n))
    .map((n) => `${dir}/${n}`);
const intact = ['cameras', 'phones', 'tricky', 'no-exif', 'orientation'].flatMap(jpegsUnder);

describe('proving a JPEG whole (the sync agent sends a fresh JPEG without waiting when this says so)', () => {
  it('vouches for the corpus photos, and for none of their prefixes, cut at an embedded end marker or anywhere', () => {
    let vouched = 0;
    for (const name of intact) {
      const bytes = corpusBytes(name);
      const whole = jpegComplete(bytes);
      if (whole) vouched++;
      // A file it cannot vouch for has bytes after its image that nothing declares (phone debug trailers): cut
      // right at its image's end, it is a whole JPEG, and only that cut is then "whole" (see the next test).
      const ends = eoiEnds(bytes).filter((end) => end < bytes.length);
      const cuts = [...(whole ? ends : ends.slice(0, -1)), 1, 2, 3, bytes.length - 1];
      for (let i = 1; i < 40; i++) cuts.push(Math.floor((bytes.length * i) / 40));
      for (const cut of cuts)
        expect(jpegComplete(bytes.subarray(0, cut)), `${name} cut at ${cut}`).toBe(false);
    }
    // Those it cannot vouch for (bytes after the end that nothing declares) wait the settle time instead.
    expect(vouched).toBeGreaterThan(intact.length * 0.8);
  });

  it('leaves to the settle time a photo with an undeclared trailer, a motion photo, and broken files', () => {
    // Huawei appends a debug trailer after EOI, a Pixel 5 its HDR+ data, a Pixel 8 Pro a gain map its XMP declares.
    for (const name of [
      'phones/huawei-LYA-AL00.jpg',
      'phones/google-pixel5-PXL_20210518_214224624.jpg',
      'phones/google-pixel8pro-8x8.jpg',
      'malformed/truncated-50pct-apple-iphone4.jpg',
      'malformed/corrupt-scan-data-canon-eos7d.jpg',
      'malformed/png-with-jpg-extension.jpg',
      'malformed/zero-bytes.jpg',
    ])
      expect(jpegComplete(corpusBytes(name)), name).toBe(false);
  });

  it('follows an MPF index to the end of the last image: the primary image alone is not the whole file', () => {
    const { bytes, primaryEnd } = mpfJpeg(
      corpusBytes('cameras/canon-eos7d.jpg'),
      corpusBytes('tricky/samsung-digimax-odd-model-string.jpg'),
    );
    expect(jpegComplete(bytes)).toBe(true);
    expect(jpegComplete(bytes.subarray(0, primaryEnd))).toBe(false);
    for (const end of eoiEnds(bytes).filter((e) => e < bytes.length))
      expect(jpegComplete(bytes.subarray(0, end)), `cut at ${end}`).toBe(false);
    // Extra bytes after the last image are not accounted for either.
    expect(jpegComplete(Buffer.concat([bytes, Buffer.from([0])]))).toBe(false);
  });
});
