import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEIC, JPEG, PNG } from './detect.ts';
import {
  detectMediaType,
  readPhotoMetadata,
  refineTiffType,
  type MediaType,
  type PhotoMetadata,
} from './index.ts';
import { isoFromExifTool, loadManifest, numberCell, readHead, type ManifestRow } from './test-corpus.ts';

const manifest = loadManifest();

type Compared = Pick<
  PhotoMetadata,
  'make' | 'model' | 'captureOffset' | 'orientation' | 'width' | 'height'
> & {
  /** Seconds precision; Shoebox adds milliseconds when SubSecTimeOriginal is known. */
  captureTime: string | null;
  gps: [number, number] | null;
};

/**
 * Where Shoebox deliberately reads a file differently from ExifTool: the field, Shoebox's value, and why.
 * Each entry is checked to really differ from the manifest, so the table cannot go stale.
 */
const EXCEPTIONS: Record<string, { field: keyof Compared; value: unknown; why: string }[]> = {
  'tricky/fujifilm-dx5-blank-datetime.jpg': [
    {
      field: 'captureTime',
      value: null,
      why: 'DateTimeOriginal is blanks; ExifTool echoes them, they are not a date',
    },
  ],
  'tricky/nikon-e900-zero-datetime.jpg': [
    { field: 'captureTime', value: null, why: '"0000:00:00 00:00:00" is the EXIF way of writing "unknown"' },
  ],
  'cameras/reconyx-hc500-trailcam-no-make.jpg': [
    {
      field: 'captureTime',
      value: null,
      why: 'ExifTool takes the date from Reconyx maker notes; Shoebox reads none',
    },
  ],
  'tricky/samsung-GT-I9000-gps-0-0-o6.jpg': [
    {
      field: 'gps',
      value: null,
      why: 'GPS 0,0 is what a receiver without a fix writes, not a place in the sea',
    },
  ],
  'cameras/nikon-d5000.jpg': [
    {
      field: 'orientation',
      value: null,
      why: 'its only Orientation is in IFD1, which describes the EXIF thumbnail',
    },
  ],
  'phones/huawei-LYA-AL00.jpg': [
    { field: 'orientation', value: null, why: 'Orientation 0 is not a valid value' },
  ],
  'orientation/landscape_0.jpg': [
    { field: 'orientation', value: null, why: 'Orientation 0 is not a valid value' },
  ],
};

function fromManifest(row: ManifestRow): Compared {
  const latitude = numberCell(row.GPSLatitude);
  const longitude = numberCell(row.GPSLongitude);
  return {
    make: row.Make || null,
    model: row.Model || null,
    captureTime: row.DateTimeOriginal ? isoFromExifTool(row.DateTimeOriginal) : null,
    captureOffset: row.OffsetTimeOriginal || row.OffsetTime || null,
    gps: latitude === null || longitude === null ? null : [latitude, longitude],
    orientation: numberCell(row.Orientation),
    width: numberCell(row.ImageWidth),
    height: numberCell(row.ImageHeight),
  };
}

function expectedFor(row: ManifestRow): Compared {
  const expected = fromManifest(row);
  for (const { field, value } of EXCEPTIONS[row.name] ?? []) Object.assign(expected, { [field]: value });
  return expected;
}

function compared(metadata: PhotoMetadata): Compared {
  const { make, model, captureOffset, orientation, width, height, gpsLatitude, gpsLongitude } = metadata;
  const gps: [number, number] | null =
    gpsLatitude === null || gpsLongitude === null ? null : [gpsLatitude, gpsLongitude];
  return {
    make,
    model,
    captureTime: metadata.captureTime?.slice(0, 19) ?? null,
    captureOffset,
    gps,
    orientation,
    width,
    height,
  };
}

async function typeOf(file: string): Promise<MediaType | null> {
  const detected = detectMediaType(await readHead(file));
  return detected && refineTiffType(file, detected);
}

describe('readPhotoMetadata on the corpus, against ExifTool', () => {
  const valid = manifest.filter((row) => row.kind !== 'malformed');

  it('has exceptions only for corpus files, and each one really differs from ExifTool', () => {
    for (const [name, exceptions] of Object.entries(EXCEPTIONS)) {
      const row = valid.find((r) => r.name === name);
      expect(row, name).toBeDefined();
      for (const { field, value } of exceptions) {
        expect(row && fromManifest(row)[field], `${name} ${field}`).not.toEqual(value);
      }
    }
  });

  it.each(valid.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const type = await typeOf(row.absolutePath);
    expect(type).not.toBeNull();
    const metadata = await readPhotoMetadata(row.absolutePath, type ?? JPEG);
    const expected = expectedFor(row);
    const gps = expected.gps && [expect.closeTo(expected.gps[0], 5), expect.closeTo(expected.gps[1], 5)];
    expect(compared(metadata)).toEqual({ ...expected, gps });

    expect(metadata.captureTime ?? '').toMatch(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?)?$/);
    const zone = metadata.captureOffset ?? (row.DateTimeOriginal.endsWith('Z') ? 'Z' : null);
    const utcMs = zone && metadata.captureTime ? Date.parse(`${metadata.captureTime}${zone}`) : null;
    expect(metadata.captureUtcMs).toBe(utcMs);
    for (const problem of metadata.problems) expect(problem).toMatch(/^[A-Z].*\.$/);
  });

  it('explains what it ignored on the tricky files', async () => {
    const problemsOf = async (name: string) => {
      const row = valid.find((r) => r.name === name);
      return (await readPhotoMetadata(row?.absolutePath ?? '', JPEG)).problems;
    };
    expect(await problemsOf('tricky/samsung-GT-I9000-gps-0-0-o6.jpg')).toEqual([
      expect.stringMatching(/0,0/),
    ]);
    expect(await problemsOf('tricky/nikon-e900-zero-datetime.jpg')).toEqual([
      expect.stringMatching(/blank or zero/),
    ]);
    expect(await problemsOf('phones/huawei-LYA-AL00.jpg')).toEqual([expect.stringMatching(/^Orientation 0/)]);
    expect(await problemsOf('tricky/exifoffset-wrong-type-utc-date.jpg')).toEqual([
      expect.stringMatching(/UTC/),
    ]);
    expect(await problemsOf('tricky/gran-turismo-5-empty-gps-ifd.jpg')).toEqual([]);
    expect(await problemsOf('tricky/samsung-SM-G930F-no-datetimeoriginal.jpg')).toEqual([]);
  });

  it('keeps sub-seconds and the offset of the capture, not of the file', async () => {
    const pixel = valid.find((r) => r.name.startsWith('phones/google-pixel5-'));
    const metadata = await readPhotoMetadata(pixel?.absolutePath ?? '', JPEG);
    expect(metadata).toMatchObject({
      captureTime: '2021-05-18T14:42:24.624',
      captureOffset: '-07:00',
      captureUtcMs: Date.UTC(2021, 4, 18, 21, 42, 24, 624),
    });
  });
});

describe('readPhotoMetadata on malformed files', () => {
  const malformed = manifest.filter((row) => row.kind === 'malformed');
  // Files that are not images at all still get a call, with the type their extension claims.
  const claimed: Record<string, MediaType> = { '.jpg': JPEG, '.heic': HEIC, '.heif': HEIC, '.png': PNG };

  it.each(malformed.map((row) => [row.name, row] as const))(
    '%s: resolves quickly and never throws',
    async (_, row) => {
      const type = (await typeOf(row.absolutePath)) ?? claimed[path.extname(row.name)] ?? JPEG;
      const started = performance.now();
      const metadata = await readPhotoMetadata(row.absolutePath, type);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(Array.isArray(metadata.problems)).toBe(true);
      expect(metadata.orientation === null || (metadata.orientation >= 1 && metadata.orientation <= 8)).toBe(
        true,
      );
    },
  );

  it('reads what is left of damaged files', async () => {
    const read = async (name: string) => {
      const row = malformed.find((r) => r.name === `malformed/${name}`);
      const file = row?.absolutePath ?? '';
      return readPhotoMetadata(file, (await typeOf(file)) ?? JPEG);
    };
    expect(await read('zero-bytes.jpg')).toMatchObject({
      captureTime: null,
      problems: ['The file is empty.'],
    });
    expect(await read('truncated-50pct-apple-iphone4.jpg')).toMatchObject({
      make: 'Apple',
      model: 'iPhone 4',
    });
    expect(await read('truncated-inside-exif-google-pixel5.jpg')).toMatchObject({
      make: 'Google',
      orientation: 6,
    });
    expect(await read('openharmony-tiff-named-jpg-bad-offsets.jpg')).toMatchObject({
      captureTime: '2024-01-25T05:51:34.427',
      captureOffset: null,
      captureUtcMs: null,
      problems: [
        'OffsetTimeOriginal "xx" is not a valid UTC offset.',
        'OffsetTime "xx" is not a valid UTC offset.',
      ],
    });
    expect((await read('corrupt-ifd0-count-htc-desire.jpg')).problems).toEqual([
      expect.stringMatching(/^EXIF is damaged/),
    ]);
  });
});
