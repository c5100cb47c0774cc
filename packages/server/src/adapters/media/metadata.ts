import fsp from 'node:fs/promises';
import sharp from 'sharp';
import { readExifTags, type ExifTags } from './exif-read.ts';
import {
  cleanText,
  offsetMinutes,
  parseCaptureDate,
  parseGps,
  parseOffset,
  parseOrientation,
  pixelSize,
  type CaptureDate,
} from './exif-values.ts';
import { readHeifLayout } from './heif.ts';
import { readRawImageSize } from './tiff.ts';
import { messageOf } from './timeout.ts';
import type { MediaType, PhotoMetadata } from './types.ts';

type Size = { width: number; height: number };

/**
 * Reads what Shoebox indexes from a photo. Never throws: whatever cannot be read is null, with a note in
 * `problems`, because one broken tag must not cost the user the photo.
 */
export async function readPhotoMetadata(path: string, type: MediaType): Promise<PhotoMetadata> {
  const problems: string[] = [];
  const metadata = emptyMetadata(problems);
  try {
    const { size } = await fsp.stat(path);
    if (size === 0) {
      problems.push('The file is empty.');
      return metadata;
    }
    const tags = await readExifTags(path, type, problems);
    const pixels = (await readPixelSize(path, type, problems)) ?? exifPixelSize(tags);
    Object.assign(metadata, captureFields(tags, problems), cameraFields(tags, problems), pixels ?? {});
    const gps = parseGps(tags.gps, problems);
    if (gps) [metadata.gpsLatitude, metadata.gpsLongitude] = gps;
  } catch (err) {
    problems.push(`The metadata could not be read: ${messageOf(err)}`);
  }
  return metadata;
}

function emptyMetadata(problems: string[]): PhotoMetadata {
  return {
    captureTime: null,
    captureOffset: null,
    captureUtcMs: null,
    make: null,
    model: null,
    orientation: null,
    width: null,
    height: null,
    gpsLatitude: null,
    gpsLongitude: null,
    problems,
  };
}

function cameraFields(
  tags: ExifTags,
  problems: string[],
): Pick<PhotoMetadata, 'make' | 'model' | 'orientation'> {
  return {
    make: cleanText(tags.ifd0.Make),
    model: cleanText(tags.ifd0.Model),
    orientation: parseOrientation(tags.ifd0.Orientation, problems),
  };
}

type CaptureFields = Pick<PhotoMetadata, 'captureTime' | 'captureOffset' | 'captureUtcMs'>;

function captureFields(tags: ExifTags, problems: string[]): CaptureFields {
  const { exif } = tags;
  const date =
    parseCaptureDate(exif.DateTimeOriginal, exif.SubSecTimeOriginal, 'DateTimeOriginal', problems) ??
    parseCaptureDate(tags.xmpDateTimeOriginal, undefined, 'XMP DateTimeOriginal', problems);
  if (!date) return { captureTime: null, captureOffset: null, captureUtcMs: null };
  // OffsetTime belongs to DateTime (the file's modification time), but cameras that write it without
  // OffsetTimeOriginal (tricky/canon-t5i-offsettime-only.jpg) write the zone they were set to when shooting.
  const offset =
    parseOffset(exif.OffsetTimeOriginal, 'OffsetTimeOriginal', problems) ??
    parseOffset(exif.OffsetTime, 'OffsetTime', problems) ??
    date.offset;
  return { captureTime: date.local, captureOffset: offset, captureUtcMs: utcMs(date, offset, problems) };
}

function utcMs(date: CaptureDate, offset: string | null, problems: string[]): number | null {
  if (offset) return date.wallMs - offsetMinutes(offset) * 60_000;
  if (date.utc) {
    problems.push(
      'The capture time is only known in UTC (an XMP date ending in Z); the local time is unknown.',
    );
    return date.wallMs;
  }
  return null;
}

/**
 * Pixel size as the container states it, matching ExifTool's ImageWidth/ImageHeight: the coded image of a
 * HEIF/AVIF (before container rotation), the sensor image of a RAW file, the frame header otherwise.
 */
async function readPixelSize(path: string, type: MediaType, problems: string[]): Promise<Size | null> {
  try {
    if (type.family === 'heif' || type.family === 'avif') return validSize(await readHeifLayout(path));
    if (type.family === 'raw') return validSize(await readRawImageSize(path));
    return validSize(await sharp(path).metadata());
  } catch (err) {
    problems.push(`The image header could not be read: ${messageOf(err)}`);
    return null;
  }
}

/** EXIF's own record of the pixel size, for containers whose header could not be read. */
function exifPixelSize(tags: ExifTags): Size | null {
  return validSize({ width: tags.exif.ExifImageWidth, height: tags.exif.ExifImageHeight });
}

function validSize(size: { width?: unknown; height?: unknown } | null): Size | null {
  const width = pixelSize(size?.width);
  const height = pixelSize(size?.height);
  return width && height ? { width, height } : null;
}
