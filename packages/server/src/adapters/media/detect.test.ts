import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECT_BYTES, detectMediaType, refineTiffType } from './index.ts';
import { loadManifest, readHead } from './test-corpus.ts';

const manifest = loadManifest();

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );
}

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
}

describe('detectMediaType on the corpus', () => {
  const valid = manifest.filter((row) => row.kind !== 'malformed');

  it.each(valid.map((row) => [row.name, row] as const))(
    '%s has the MIME type ExifTool reports',
    async (_, row) => {
      const detected = detectMediaType(await readHead(row.absolutePath));
      expect(detected).not.toBeNull();
      // DNG starts like any TIFF; the DNGVersion tag in IFD0 tells them apart.
      const refined = detected && (await refineTiffType(row.absolutePath, detected));
      expect(refined?.mime).toBe(row.MIMEType);
    },
  );

  // By magic bytes alone; ExifTool agrees except where noted.
  const malformed: Record<string, string | null> = {
    'corrupt-ifd0-count-htc-desire.jpg': 'image/jpeg',
    'corrupt-scan-data-canon-eos7d.jpg': 'image/jpeg',
    'exif-samples-invalid-image01088.jpg': 'image/jpeg',
    'exif-samples-invalid-image01551.jpg': 'image/jpeg',
    'exifr-RangeError_Offset_outside_bounds.jpg': 'image/jpeg',
    'heif-invalid-atom-size.heif': 'image/heif',
    'html-error-page.jpg': null,
    'imagetestsuite-21ad703b-garbage-prefix.jpg': null, // 30 bytes of garbage before the SOI
    'imagetestsuite-75e4bd75.jpg': null, // FF D8 then FE: not a JPEG marker sequence
    'imagetestsuite-eecb78b9-huge-dimensions.jpg': 'image/jpeg',
    'jpeg-with-heic-extension.heic': 'image/jpeg',
    'kim-photo_45-no-sof.jpg': 'image/jpeg',
    'kim-photo_46-bad-tiff-magic.jpg': 'image/jpeg',
    'libexif-canon-exif-only-no-sos.jpg': 'image/jpeg',
    'libheif-fuzz-github_15.heic': null,
    // ExifTool says image/x-adobe-dng because the EXIF carries a DNGVersion tag, but the bytes are a JPEG.
    'openharmony-tiff-named-jpg-bad-offsets.jpg': 'image/jpeg',
    'plain-text.jpg': null,
    'png-with-jpg-extension.jpg': 'image/png',
    'truncated-40pct-apple-iphone11pro.heic': 'image/heic',
    'truncated-50pct-apple-iphone4.jpg': 'image/jpeg',
    'truncated-50pct-density-plot.png': 'image/png',
    'truncated-inside-exif-google-pixel5.jpg': 'image/jpeg',
    'zero-bytes.jpg': null,
  };

  it('covers every malformed file in the manifest', () => {
    const names = manifest.filter((row) => row.kind === 'malformed').map((row) => path.basename(row.name));
    expect(names.sort()).toEqual(Object.keys(malformed).sort());
  });

  it.each(Object.entries(malformed))('malformed/%s is %s', async (name, mime) => {
    const row = manifest.find((r) => r.name === `malformed/${name}`);
    expect(row).toBeDefined();
    expect(detectMediaType(await readHead(row?.absolutePath ?? ''))?.mime ?? null).toBe(mime);
  });
});

describe('detectMediaType on magic bytes', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe1]), 'image/jpeg'],
    ['GIF', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['HEIC (heix)', ftyp('heix', 'mif1'), 'image/heic'],
    ['HEIC sequence (hevc)', ftyp('hevc', 'msf1'), 'image/heic'],
    ['HEIF (mif1 + heic)', ftyp('mif1', 'mif1', 'heic'), 'image/heif'],
    ['AVIF (avif)', ftyp('avif', 'mif1'), 'image/avif'],
    ['AVIF under a generic major brand', ftyp('mif1', 'miaf', 'avif'), 'image/avif'],
    ['Canon CR3', ftyp('crx ', 'crx ', 'isom'), 'image/x-canon-cr3'],
    ['Canon CR2', bytes('II*', [0, 16, 0, 0, 0], 'CR', [2, 0]), 'image/x-canon-cr2'],
    ['Fujifilm RAF', bytes('FUJIFILMCCD-RAW 0201'), 'image/x-fujifilm-raf'],
    ['Olympus ORF', bytes('IIRO', [8, 0, 0, 0]), 'image/x-olympus-orf'],
    ['Olympus ORF (IIRS)', bytes('IIRS', [8, 0, 0, 0]), 'image/x-olympus-orf'],
    ['Panasonic RW2', bytes('IIU', [0, 8, 0, 0, 0]), 'image/x-panasonic-rw2'],
    ['big-endian TIFF', bytes('MM', [0, 42, 0, 0, 0, 8]), 'image/tiff'],
  ])('recognises %s', (_, head, mime) => {
    expect(detectMediaType(head)?.mime).toBe(mime);
  });

  it.each([
    ['an empty buffer', bytes()],
    ['a lone SOI', bytes([0xff, 0xd8])],
    ['an MP4 video', ftyp('isom', 'mp41')],
    ['BigTIFF', bytes('II+', [0, 8, 0, 0, 0])],
    ['a PDF', bytes('%PDF-1.7')],
  ])('rejects %s', (_, head) => {
    expect(detectMediaType(head)).toBeNull();
  });

  it(`looks at the first ${DETECT_BYTES} bytes only`, () => {
    // An AVIF brand listed beyond byte 64 is not seen; the MP4 brands before it decide.
    const brands = Array.from({ length: 14 }, () => 'isom');
    expect(detectMediaType(ftyp('isom', ...brands, 'avif'))).toBeNull();
    expect(detectMediaType(ftyp('isom', ...brands.slice(0, 5), 'avif'))?.mime).toBe('image/avif');
  });
});

describe('refineTiffType', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-tiff-'));
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('keeps a plain TIFF a TIFF', async () => {
    const file = path.join(dir, 'plain.tif');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .tiff()
      .toFile(file);
    const type = detectMediaType(await readHead(file));
    expect(type?.mime).toBe('image/tiff');
    expect(type && (await refineTiffType(file, type))).toEqual(type);
  });

  it('calls a TIFF with sensor (CFA) data from a Nikon a NEF', async () => {
    const file = path.join(dir, 'nikon.tif');
    await fsp.writeFile(file, littleEndianTiff({ 0x010f: 'NIKON CORPORATION', 0x0106: 32803 }));
    const type = detectMediaType(await readHead(file));
    expect(type?.mime).toBe('image/tiff');
    expect(type && (await refineTiffType(file, type))).toMatchObject({
      mime: 'image/x-nikon-nef',
      family: 'raw',
    });
  });

  it('leaves non-TIFF types and unreadable files alone', async () => {
    const jpeg = detectMediaType(bytes([0xff, 0xd8, 0xff]));
    expect(jpeg && (await refineTiffType('/nonexistent', jpeg))).toBe(jpeg);
    const tiff = detectMediaType(bytes('II*', [0, 8, 0, 0, 0]));
    expect(tiff && (await refineTiffType(path.join(dir, 'missing.tif'), tiff))).toBe(tiff);
  });
});

/** A minimal little-endian TIFF whose IFD0 holds `tags` (ASCII strings or one SHORT each). */
function littleEndianTiff(tags: Record<number, string | number>): Buffer {
  const entries = Object.entries(tags).map(([tag, value]) => [Number(tag), value] as const);
  const ifdSize = 2 + entries.length * 12 + 4;
  const out = Buffer.alloc(8 + ifdSize + 256);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  let extra = 8 + ifdSize;
  entries.forEach(([tag, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    if (typeof value === 'number') {
      out.writeUInt16LE(3, at + 2);
      out.writeUInt32LE(1, at + 4);
      out.writeUInt16LE(value, at + 8);
    } else {
      out.writeUInt16LE(2, at + 2);
      out.writeUInt32LE(value.length + 1, at + 4);
      out.writeUInt32LE(extra, at + 8);
      extra += out.write(`${value}\0`, extra, 'latin1');
    }
  });
  return out.subarray(0, extra);
}
