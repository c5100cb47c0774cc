import fsp from 'node:fs/promises';
import sharp, { type FailOnOptions, type Sharp } from 'sharp';
import { readExifThumbnail } from './exif-read.ts';
import { MAX_INPUT_PIXELS, RenderRefusal, formatName, tooLarge } from './failure.ts';
import type { HeifLayout } from './heif.ts';
import { createHeicDecoder } from './heic-wasm.ts';
import { applyOrientation, orientedSize } from './orientation.ts';
import { findEmbeddedJpegs } from './raw-preview.ts';
import type { MediaType, RenderSource } from './types.ts';

export const PREVIEW_LONG_SIDE = 1440;
export const JPEG_QUALITY = 80;

/** An image decoded once, as its preview: a JPEG, upright, in sRGB, without metadata. */
export interface Decoded {
  preview: Buffer;
  /** Display size of the image the preview was made from. */
  width: number;
  height: number;
  source: RenderSource;
}

// RAW files are read whole to find their previews; medium-format files reach a few hundred MB.
const MAX_RAW_BYTES = 512 * 1024 * 1024;
const MAX_PREVIEW_ATTEMPTS = 3;

// 'warning' rejects JPEGs whose scan data is corrupt instead of returning an image with grey or smeared blocks
// (malformed/corrupt-scan-data-canon-eos7d.jpg decodes "successfully" under 'error'). libtiff, though, warns
// about every private tag it does not know, so TIFF only fails on errors.
function decodeOptions(type: MediaType): { failOn: FailOnOptions; limitInputPixels: number } {
  return { failOn: type.family === 'tiff' ? 'error' : 'warning', limitInputPixels: MAX_INPUT_PIXELS };
}

function assertSize(width: number | undefined, height: number | undefined): void {
  if (width && height && width * height > MAX_INPUT_PIXELS) throw tooLarge(width, height);
}

async function toPreview(
  image: Sharp,
  width: number,
  height: number,
  source: RenderSource,
): Promise<Decoded> {
  const preview = await image
    .resize({ width: PREVIEW_LONG_SIDE, height: PREVIEW_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    // JPEG has no alpha; transparent areas become white rather than whatever colour the pixels hide.
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  return { preview, width, height, source };
}

/** JPEG, PNG, WebP, GIF and TIFF: libvips decodes them and applies their EXIF orientation itself. */
export async function decodeWithSharp(path: string, type: MediaType): Promise<Decoded> {
  const image = sharp(path, decodeOptions(type));
  const { autoOrient } = await image.metadata();
  assertSize(autoOrient.width, autoOrient.height);
  return toPreview(image.autoOrient(), autoOrient.width, autoOrient.height, 'original');
}

/**
 * HEIF/AVIF through libvips (the bundled libheif decodes AV1 but not HEVC). libheif applies the container's
 * rotation; `orientation` is the EXIF orientation still to apply, null when the container has its own.
 */
export async function decodeHeifWithSharp(
  path: string,
  type: MediaType,
  orientation: number | null,
): Promise<Decoded> {
  const image = sharp(path, decodeOptions(type));
  const { width, height } = await image.metadata();
  assertSize(width, height);
  const shown = orientedSize(width, height, orientation);
  return toPreview(applyOrientation(image, orientation), shown.width, shown.height, 'original');
}

/** HEVC-coded HEIF through libheif compiled to WebAssembly. Slow (about a second for 12 MP) but complete. */
export async function decodeHeicWasm(
  path: string,
  layout: HeifLayout | null,
  orientation: number | null,
): Promise<Decoded> {
  // The WebAssembly decoder allocates the whole image before it can be stopped, so the size must be known first.
  if (!layout?.width || !layout.height) {
    throw new RenderRefusal('The HEIF structure is damaged, so the image cannot be located in the file.');
  }
  assertSize(layout.width, layout.height);
  const { width, height, data, pixelWidth, pixelHeight, channels } = await heicDecoder.decode(
    path,
    PREVIEW_LONG_SIDE,
  );
  // A view of the transferred pixels, not a copy.
  const pixels = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const image = sharp(pixels, { raw: { width: pixelWidth, height: pixelHeight, channels } });
  const shown = orientedSize(width, height, orientation);
  return toPreview(applyOrientation(image, orientation), shown.width, shown.height, 'original');
}

/** The one WebAssembly HEIC decoder of this process, in its own thread while there is HEIC work. */
export const heicDecoder = createHeicDecoder();

/**
 * Compiles the WebAssembly HEIC decoder now (about a second) instead of on the first HEIC photo. It is only needed
 * for HEIC, so otherwise it starts on first use, and its thread ends again after a while without HEIC work.
 */
export function loadHeicDecoder(): Promise<void> {
  return heicDecoder.warm();
}

/** The small JPEG in EXIF IFD1: the last resort when the main image cannot be decoded. */
export async function decodeExifThumbnail(path: string, orientation: number | null): Promise<Decoded> {
  const thumbnail = await readExifThumbnail(path);
  if (!thumbnail) throw new RenderRefusal('The file has no EXIF thumbnail to fall back on.');
  return decodeEmbeddedJpeg(thumbnail, orientation, 'exif-thumbnail');
}

/**
 * RAW files: Shoebox does not develop sensor data; it shows the JPEG preview the camera (or converter) embedded,
 * trying the largest first. The RAW's orientation applies, as previews are stored the way the sensor saw them.
 */
export async function decodeRawPreview(
  path: string,
  type: MediaType,
  orientation: number | null,
): Promise<Decoded> {
  const { size } = await fsp.stat(path);
  if (size > MAX_RAW_BYTES)
    throw new RenderRefusal(`The ${formatName(type)} file is too large to search for a preview.`);
  const file = await fsp.readFile(path);
  const candidates = findEmbeddedJpegs(file).slice(0, MAX_PREVIEW_ATTEMPTS);
  if (candidates.length === 0) {
    throw new RenderRefusal(
      `The ${formatName(type)} file has no embedded JPEG preview, and Shoebox does not develop RAW data.`,
    );
  }
  let firstError: unknown;
  for (const { start, end } of candidates) {
    try {
      return await decodeEmbeddedJpeg(file.subarray(start, end), orientation, 'embedded-preview');
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

/** A JPEG cut out of a container. Any orientation inside it is ignored in favour of the container's. */
async function decodeEmbeddedJpeg(
  jpeg: Buffer,
  orientation: number | null,
  source: RenderSource,
): Promise<Decoded> {
  const image = sharp(jpeg, { failOn: 'warning', limitInputPixels: MAX_INPUT_PIXELS });
  const { width, height } = await image.metadata();
  assertSize(width, height);
  const shown = orientedSize(width, height, orientation);
  return toPreview(applyOrientation(image, orientation), shown.width, shown.height, source);
}
