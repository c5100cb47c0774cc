import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEIC, JPEG, PNG } from './detect.ts';
import {
  detectMediaType,
  loadHeicDecoder,
  refineTiffType,
  renderDerivatives,
  type DerivativeResult,
  type MediaType,
} from './index.ts';
import { loadManifest, numberCell, readHead, type ManifestRow } from './test-corpus.ts';

const manifest = loadManifest();
let outDir = '';

beforeAll(async () => {
  outDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-media-'));
  // Compiling the WebAssembly decoder is a one-off cost; it should not count against the first HEIC test.
  await loadHeicDecoder();
});
afterAll(async () => {
  await fsp.rm(outDir, { recursive: true, force: true });
});

function outputsFor(name: string): { thumbnailPath: string; previewPath: string } {
  const base = path.join(outDir, name.replace(/[^\w.-]+/g, '_'));
  return { thumbnailPath: `${base}.thumb.jpg`, previewPath: `${base}.preview.jpg` };
}

async function typeOf(file: string): Promise<MediaType | null> {
  const detected = detectMediaType(await readHead(file));
  return detected && refineTiffType(file, detected);
}

async function render(row: ManifestRow): Promise<DerivativeResult> {
  const type = await typeOf(row.absolutePath);
  return renderDerivatives({ path: row.absolutePath, type: type ?? JPEG }, outputsFor(row.name));
}

/** The size `fit: inside` gives, allowing libvips to round the short side either way. */
function fitInside(width: number, height: number, maxWidth: number, maxHeight: number): [number, number] {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return [Math.round(width * scale), Math.round(height * scale)];
}

function expectSize(actual: { width?: number; height?: number }, [width, height]: [number, number]): void {
  expect(Math.abs((actual.width ?? 0) - width), `width ${actual.width} vs ${width}`).toBeLessThanOrEqual(1);
  expect(Math.abs((actual.height ?? 0) - height), `height ${actual.height} vs ${height}`).toBeLessThanOrEqual(
    1,
  );
}

/** A 16x16 grey thumbnail of an image, for comparing pictures rather than bytes. */
async function signature(file: string, flop = false): Promise<Buffer> {
  return sharp(file).flop(flop).resize(16, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
}

function distance(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

/** Where Shoebox's derivatives deliberately do not show the ExifTool-sized original. */
const RENDER_EXCEPTIONS: Record<string, { ok: boolean; why: string }> = {
  'raw/canon-350d-exiftool.dng': {
    ok: false,
    why: 'image data stripped: no JPEG preview, and RAW is not developed',
  },
  'raw/nikon-z9-cropped.dng': {
    ok: true,
    why: 'rendered from its largest embedded preview (640x424), not 5392x3592',
  },
};

describe('renderDerivatives on the corpus', () => {
  const valid = manifest.filter((row) => row.kind !== 'malformed');

  it.each(valid.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const result = await render(row);
    const exception = RENDER_EXCEPTIONS[row.name];
    if (exception?.ok === false) {
      expect(result.ok ? 'rendered' : result.reason).toMatch(/^The .*\.$/);
      return;
    }
    if (!result.ok) throw new Error(`${row.name}: ${result.reason}`);
    const [storedWidth, storedHeight] = [numberCell(row.ImageWidth) ?? 0, numberCell(row.ImageHeight) ?? 0];
    const quarterTurn = [5, 6, 7, 8].includes(numberCell(row.Orientation) ?? 1);
    const display: [number, number] = quarterTurn ? [storedHeight, storedWidth] : [storedWidth, storedHeight];
    if (exception) {
      expect(result.source).toBe('embedded-preview');
      expect(result.width / result.height).toBeCloseTo(display[0] / display[1], 1);
    } else {
      expect(result).toEqual({ ok: true, width: display[0], height: display[1], source: 'original' });
    }

    const { previewPath, thumbnailPath } = outputsFor(row.name);
    const preview = await sharp(previewPath).metadata();
    const thumbnail = await sharp(thumbnailPath).metadata();
    const previewSize = fitInside(result.width, result.height, 1440, 1440);
    expectSize(preview, previewSize);
    expectSize(thumbnail, fitInside(previewSize[0], previewSize[1], 750, 250));
    for (const output of [preview, thumbnail]) {
      expect(output.format).toBe('jpeg');
      // Metadata is stripped: orientation is baked into the pixels, and location must not leak into shares.
      expect([output.exif, output.xmp, output.orientation]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('shows every landscape_N the right way up, whatever its Orientation tag', async () => {
    const upright = await signature(outputsFor('orientation/landscape_1.jpg').previewPath);
    // The signature must be able to tell a mirrored picture from the right one, or the checks below prove nothing.
    expect(
      distance(upright, await signature(outputsFor('orientation/landscape_1.jpg').previewPath, true)),
    ).toBeGreaterThan(20);
    for (const n of [0, 2, 3, 4, 5, 6, 7, 8]) {
      const { previewPath } = outputsFor(`orientation/landscape_${n}.jpg`);
      expect(await sharp(previewPath).metadata(), `landscape_${n}`).toMatchObject({
        width: 1440,
        height: 960,
      });
      expect(distance(upright, await signature(previewPath)), `landscape_${n}`).toBeLessThan(6);
    }
  });

  it('shows every tiny-fNt the right way up', async () => {
    const upright = await signature(outputsFor('orientation/tiny-f1t.jpg').previewPath);
    for (const n of [2, 3, 4, 5, 6, 7, 8]) {
      const { previewPath } = outputsFor(`orientation/tiny-f${n}t.jpg`);
      expect(await sharp(previewPath).metadata(), `tiny-f${n}t`).toMatchObject({ width: 48, height: 80 });
      expect(distance(upright, await signature(previewPath)), `tiny-f${n}t`).toBeLessThan(12);
    }
  });

  it('left every original byte for byte as the manifest describes it, and no temporary files behind', async () => {
    for (const row of manifest) {
      const sha256 = createHash('sha256')
        .update(await fsp.readFile(row.absolutePath))
        .digest('hex');
      expect(sha256, row.name).toBe(row.sha256);
    }
    expect((await fsp.readdir(outDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('renderDerivatives on malformed files', () => {
  // ok: true only where the decoder recovers the whole image because only metadata is damaged.
  const EXPECTED: Record<string, 'ok' | 'truncated' | 'fails'> = {
    'corrupt-ifd0-count-htc-desire.jpg': 'ok', // broken IFD0; the pixels are untouched
    'corrupt-scan-data-canon-eos7d.jpg': 'fails', // libjpeg warns, and 'warning' fails it instead of smearing blocks
    'exif-samples-invalid-image01088.jpg': 'ok', // invalid metadata only
    'exif-samples-invalid-image01551.jpg': 'ok', // invalid metadata only
    'exifr-RangeError_Offset_outside_bounds.jpg': 'ok', // breaks exifr, not the JPEG
    'heif-invalid-atom-size.heif': 'truncated', // a box claims to run past the end of the file
    'html-error-page.jpg': 'fails',
    'imagetestsuite-21ad703b-garbage-prefix.jpg': 'fails',
    'imagetestsuite-75e4bd75.jpg': 'fails',
    'imagetestsuite-eecb78b9-huge-dimensions.jpg': 'fails',
    'jpeg-with-heic-extension.heic': 'ok', // a valid JPEG; detection ignores the name
    'kim-photo_45-no-sof.jpg': 'fails',
    'kim-photo_46-bad-tiff-magic.jpg': 'fails', // besides the bad TIFF magic, its scan has a bad Huffman code
    'libexif-canon-exif-only-no-sos.jpg': 'fails',
    'libheif-fuzz-github_15.heic': 'fails',
    'openharmony-tiff-named-jpg-bad-offsets.jpg': 'ok', // bad offsets are in EXIF; the JPEG is whole
    'plain-text.jpg': 'fails',
    'png-with-jpg-extension.jpg': 'ok',
    'truncated-40pct-apple-iphone11pro.heic': 'truncated',
    'truncated-50pct-apple-iphone4.jpg': 'truncated',
    'truncated-50pct-density-plot.png': 'truncated',
    'truncated-inside-exif-google-pixel5.jpg': 'truncated',
    'zero-bytes.jpg': 'fails',
  };
  const malformed = manifest.filter((row) => row.kind === 'malformed');
  const claimed: Record<string, MediaType> = { '.jpg': JPEG, '.heic': HEIC, '.heif': HEIC, '.png': PNG };

  it.each(malformed.map((row) => [path.basename(row.name), row] as const))('%s', async (name, row) => {
    const type = (await typeOf(row.absolutePath)) ?? claimed[path.extname(name)] ?? JPEG;
    const started = performance.now();
    const result = await renderDerivatives({ path: row.absolutePath, type }, outputsFor(row.name));
    expect(performance.now() - started).toBeLessThan(5000);
    const expected = EXPECTED[name];
    if (expected === 'ok') {
      expect(result).toMatchObject({ ok: true, source: 'original' });
    } else {
      const reason = result.ok ? 'rendered' : result.reason;
      expect(reason).toMatch(/^The [^\n]*\.$/);
      if (expected === 'truncated') expect(reason).toMatch(/^The file is truncated: \w+ data ends before/);
      else expect(reason).not.toMatch(/truncated/);
    }
  });

  it('names the damage in plain words', async () => {
    const reasonFor = async (name: string) => {
      const row = malformed.find((r) => r.name === `malformed/${name}`);
      const result = await renderDerivatives({ path: row?.absolutePath ?? '', type: JPEG }, outputsFor(name));
      return result.ok ? null : result.reason;
    };
    expect(await reasonFor('truncated-50pct-apple-iphone4.jpg')).toBe(
      'The file is truncated: JPEG data ends before the image is complete.',
    );
    expect(await reasonFor('corrupt-scan-data-canon-eos7d.jpg')).toBe('The JPEG image data is corrupt.');
    expect(await reasonFor('plain-text.jpg')).toBe('The file is not in an image format Shoebox can decode.');
  });
});
