import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { syncDirectory, writeFileAtomic } from './atomic-write.ts';
import {
  decodeExifThumbnail,
  decodeHeicWasm,
  decodeHeifWithSharp,
  decodeRawPreview,
  decodeWithSharp,
  type Decoded,
} from './decoders.ts';
import { explainFailure, truncated } from './failure.ts';
import { readHeifLayout } from './heif.ts';
import { readOrientationTag } from './exif-read.ts';
import { parseOrientation } from './exif-values.ts';
import type { DerivativeResult, MediaType, RenderInput, RenderOutput } from './types.ts';

export const THUMBNAIL_HEIGHT = 250;
/** Thumbnails fill rows of a justified grid: a fixed height, and a cap so panoramas do not take a whole row. */
export const THUMBNAIL_MAX_WIDTH = 750;
const JPEG_QUALITY = 80;

export interface MediaConfig {
  /** libvips worker threads per image operation; defaults to the number of CPU cores. */
  threads?: number;
}

let configured = false;

/** Call once at startup; `renderDerivatives` applies the defaults itself if this was never called. */
export function configureMedia(config: MediaConfig = {}): void {
  // Every photo is decoded once, so libvips' operation cache would only hold memory and open files.
  sharp.cache(false);
  if (config.threads !== undefined) sharp.concurrency(config.threads);
  configured = true;
}

/**
 * Writes a thumbnail and a preview of the photo at `input.path`, each a JPEG without metadata, upright and in
 * sRGB. The original is only read. Problems with the photo come back as `ok: false` with a sentence for the user;
 * a failure to write the outputs (disk full, permissions) throws, because the photo is not at fault.
 */
export async function renderDerivatives(input: RenderInput, out: RenderOutput): Promise<DerivativeResult> {
  if (!configured) configureMedia();
  let decoded: Decoded;
  try {
    decoded = await decode(input);
  } catch (err) {
    return { ok: false, reason: await explainFailure(err, input.path, input.type) };
  }
  await writeDerivatives(decoded, out);
  return { ok: true, width: decoded.width, height: decoded.height, source: decoded.source };
}

async function decode({ path: file, type, orientation }: RenderInput): Promise<Decoded> {
  if (type.family === 'heif' || type.family === 'avif') return decodeHeif(file, type, orientation);
  if (type.family === 'raw') return decodeRawPreview(file, type, await resolveOrientation(file, type, orientation));
  return decodeWithSharp(file, type);
}

/**
 * HEIF decoders apply the container's rotation ('irot'/'imir'), so EXIF Orientation, which usually repeats it,
 * must not be applied again (apple-iphone13promax-o6.heic). Some phones (samsung-galaxy-s24fe-o6.heic) write no
 * container rotation and rely on EXIF alone; only then is EXIF applied.
 */
async function decodeHeif(file: string, type: MediaType, given: number | null | undefined): Promise<Decoded> {
  const layout = await readHeifLayout(file).catch(() => null);
  const exifOrientation = await resolveOrientation(file, type, given);
  const orientation = layout?.transformed ? null : exifOrientation;
  const decoders: (() => Promise<Decoded>)[] = layout?.truncated
    ? [() => Promise.reject(truncated(type))] // a cut-off HEVC stream decodes to a half-grey picture
    : [() => decodeHeifWithSharp(file, type, orientation)];
  if (type.family === 'heif' && !layout?.truncated)
    decoders.push(() => decodeHeicWasm(file, layout, orientation));
  let lastError: unknown;
  for (const attempt of decoders) {
    try {
      return await attempt();
    } catch (err) {
      lastError = err; // the later decoder is the more capable one, so its complaint is the telling one
    }
  }
  return decodeExifThumbnail(file, exifOrientation).catch(() => Promise.reject(lastError));
}

/** The caller's orientation when given (even null); otherwise read from the file. */
async function resolveOrientation(
  file: string,
  type: MediaType,
  given: number | null | undefined,
): Promise<number | null> {
  if (given !== undefined) return given;
  return parseOrientation(await readOrientationTag(file, type), []);
}

async function writeDerivatives(decoded: Decoded, out: RenderOutput): Promise<void> {
  // Both outputs come from the preview-sized pixels: the original is decoded once, and never at full size
  // when the decoder can shrink while loading (JPEG).
  const input = { raw: decoded.raw };
  const [preview, thumbnail] = await Promise.all([
    sharp(decoded.pixels, input).jpeg({ quality: JPEG_QUALITY }).toBuffer(),
    sharp(decoded.pixels, input)
      .resize({
        width: THUMBNAIL_MAX_WIDTH,
        height: THUMBNAIL_HEIGHT,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer(),
  ]);
  const dirs = [...new Set([path.dirname(out.previewPath), path.dirname(out.thumbnailPath)])];
  await Promise.all(dirs.map((dir) => fsp.mkdir(dir, { recursive: true })));
  await Promise.all([
    writeFileAtomic(out.previewPath, preview),
    writeFileAtomic(out.thumbnailPath, thumbnail),
  ]);
  await Promise.all(dirs.map(syncDirectory));
}
