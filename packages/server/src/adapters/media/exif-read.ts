import exifr from 'exifr';
import sharp from 'sharp';
import { exifSource, stripExifHeader, type ExifSource } from './exif-source.ts';
import { messageOf, withTimeout } from './timeout.ts';
import type { MediaType } from './types.ts';

/** The raw tags Shoebox uses, untranslated. Absent segments are empty objects. */
export interface ExifTags {
  ifd0: Record<string, unknown>;
  exif: Record<string, unknown>;
  gps: Record<string, unknown> | undefined;
  /** exif:DateTimeOriginal from XMP; read only when EXIF has no DateTimeOriginal. */
  xmpDateTimeOriginal: unknown;
}

// exifr has hung and thrown RangeError on malformed files; every call goes through `guarded`.
const EXIFR_TIMEOUT_MS = 2000;

// For the formats exifr still reads from disk (HEIF, TIFF, RAW): its default first chunk is 512 bytes.
const CHUNKS = { firstChunkSize: 64 * 1024, chunkSize: 64 * 1024, chunkLimit: 20 };

// `pick` does more than trim the output: exifr then skips the values of every other tag, so one tag of a broken
// type elsewhere in IFD0 (cameras/sony-dsc-hx5v-gps.jpg) no longer makes it drop the whole IFD.
// Values stay raw (no translation, no Date objects) so dates keep the wall time the camera wrote.
const TAG_OPTIONS = {
  tiff: true,
  ifd0: { pick: ['Make', 'Model', 'Orientation'] },
  exif: {
    pick: [
      'DateTimeOriginal',
      'SubSecTimeOriginal',
      'OffsetTimeOriginal',
      'OffsetTime',
      'ExifImageWidth',
      'ExifImageHeight',
    ],
  },
  gps: { pick: ['GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'] },
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateValues: false,
  reviveValues: false,
  mergeOutput: false,
  silentErrors: true,
  ...CHUNKS,
};

// With `tiff: false` exifr still parses every TIFF block given a value, so the XMP pass names none.
const XMP_OPTIONS = {
  tiff: false,
  xmp: true,
  translateValues: false,
  reviveValues: false,
  mergeOutput: false,
  silentErrors: true,
  ...CHUNKS,
};

type Segments = Record<string, Record<string, unknown> | undefined> & { errors?: unknown[] };

export async function readExifTags(path: string, type: MediaType, problems: string[]): Promise<ExifTags> {
  const source = await exifSource(path, type).catch((err: unknown) => {
    problems.push(`EXIF could not be read: ${messageOf(err)}`);
    return null;
  });
  if (!source) return { ifd0: {}, exif: {}, gps: undefined, xmpDateTimeOriginal: undefined };
  const tags = await guarded(() => parseTags(source), 'EXIF', problems, type.family === 'raw');
  const exif = tags?.exif ?? {};
  let xmpDateTimeOriginal: unknown;
  if (exif.DateTimeOriginal === undefined) {
    const xmp = await guarded(() => parseXmp(source), 'XMP', problems);
    // With mergeOutput off, exifr files XMP properties under their namespace prefix.
    xmpDateTimeOriginal = xmp?.exif?.DateTimeOriginal;
  }
  return { ifd0: tags?.ifd0 ?? {}, exif, gps: tags?.gps, xmpDateTimeOriginal };
}

function parseTags(source: ExifSource): Promise<unknown> {
  if (source.kind === 'container') return exifr.parse(source.data, TAG_OPTIONS);
  return source.exif ? exifr.parse(source.exif, TAG_OPTIONS) : Promise.resolve(undefined);
}

function parseXmp(source: ExifSource): Promise<unknown> {
  if (source.kind === 'container') return exifr.parse(source.data, XMP_OPTIONS);
  return source.xmp ? exifr.sidecar(source.xmp, XMP_OPTIONS, 'xmp') : Promise.resolve(undefined);
}

async function guarded(
  read: () => Promise<unknown>,
  what: string,
  problems: string[],
  expectKnownFormat = false,
): Promise<Segments | undefined> {
  try {
    const output = await withTimeout(Promise.resolve().then(read), EXIFR_TIMEOUT_MS, `Reading ${what}`);
    if (!isSegments(output)) return undefined;
    for (const error of output.errors ?? []) problems.push(`${what} is damaged: ${messageOf(error)}`);
    return output;
  } catch (err) {
    // exifr says "Unknown file format" for files that simply have no container it knows (GIF, HTML). For RAW
    // formats it does not parse (RAF, CR3, ORF, RW2) that means metadata Shoebox is missing, which is worth a note.
    if (/unknown file format/i.test(messageOf(err))) {
      if (expectKnownFormat)
        problems.push(`${what} could not be read: Shoebox does not parse this RAW format.`);
    } else {
      problems.push(`${what} could not be read: ${messageOf(err)}`);
    }
    return undefined;
  }
}

function isSegments(value: unknown): value is Segments {
  return typeof value === 'object' && value !== null;
}

/** The raw Orientation tag, for callers that did not read the metadata first. */
export async function readOrientationTag(path: string, type: MediaType): Promise<unknown> {
  const source = await exifSource(path, type).catch(() => null);
  const tags = source ? await guarded(() => parseTags(source), 'EXIF', []) : undefined;
  return tags?.ifd0?.Orientation;
}

/**
 * The JPEG thumbnail stored in IFD1, if any: the last resort when the main image cannot be decoded. libvips
 * finds the EXIF block in any container; exifr is only given that block, because its thumbnail() leaves the
 * file open when a file has no EXIF.
 */
export async function readExifThumbnail(path: string): Promise<Buffer | null> {
  try {
    const { exif } = await sharp(path).metadata();
    if (!exif) return null;
    const thumbnail = await withTimeout(
      exifr.thumbnail(stripExifHeader(exif)),
      EXIFR_TIMEOUT_MS,
      'Reading the EXIF thumbnail',
    );
    return thumbnail && thumbnail.length > 0 ? Buffer.from(thumbnail) : null;
  } catch {
    return null;
  }
}
