import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { fsyncDir, writeFileSynced } from '../blobs/fsync.ts';
import {
  decodeExifThumbnail,
  decodeHeicWasm,
  decodeHeifWithSharp,
  decodeRawPreview,
  decodeWithSharp,
  JPEG_QUALITY,
  type Decoded,
} from './decoders.ts';
import { explainFailure, truncated } from './failure.ts';
import { readHeifLayout, type HeifLayout } from './heif.ts';
import { readOrientationTag } from './exif-read.ts';
import { parseOrientation } from './exif-values.ts';
import type { DerivativeResult, MediaType, RenderedImages, RenderInput, RenderOutput } from './types.ts';

export const THUMBNAIL_HEIGHT = 250;
/** Thumbnails fill rows of a justified grid: a fixed height, and a cap so panoramas do not take a whole row. */
export const THUMBNAIL_MAX_WIDTH = 750;

export interface MediaConfig {
  /**
   * libvips threads per image. sharp's default is the core count, but 1 on glibc Linux without jemalloc (to
   * limit memory fragmentation). Photos are also rendered in parallel, up to libuv's UV_THREADPOOL_SIZE.
   */
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
  const rendered = await renderImages(input);
  if (!rendered.ok) return rendered;
  const { thumbnail, preview, ...result } = rendered;
  await writeDerivatives(out, preview, thumbnail);
  return result;
}

/**
 * `renderDerivatives` without the files: the two JPEGs in memory, for a caller that stores them itself (the
 * blob store writes them straight into place, saving a scratch copy and its fsyncs).
 */
export async function renderImages(input: RenderInput): Promise<RenderedImages> {
  if (!configured) configureMedia();
  let decoded: Decoded;
  try {
    decoded = await decode(input);
  } catch (err) {
    return { ok: false, reason: await explainFailure(err, input.path, input.type) };
  }
  // The thumbnail is made from the preview, not the original: the original is decoded once per photo, and
  // shrinking a 1440-pixel JPEG while loading it costs a few milliseconds.
  const thumbnail = await sharp(decoded.preview)
    .resize({ width: THUMBNAIL_MAX_WIDTH, height: THUMBNAIL_HEIGHT, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  const { preview, width, height, source } = decoded;
  return { ok: true, width, height, source, preview, thumbnail };
}

async function decode({ path: file, type, orientation }: RenderInput): Promise<Decoded> {
  if (type.family === 'heif' || type.family === 'avif') return decodeHeif(file, type, orientation);
  if (type.family === 'raw')
    return decodeRawPreview(file, type, await resolveOrientation(file, type, orientation));
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
  try {
    // A cut-off HEVC stream still "decodes", to a half-grey picture, so truncation is judged from the boxes.
    if (layout?.truncated) throw truncated(type);
    return await decodeHeifPixels(file, type, layout, orientation);
  } catch (err) {
    // The EXIF thumbnail is small, but better than nothing; without one, the decoder's complaint stands.
    try {
      return await decodeExifThumbnail(file, exifOrientation);
    } catch {
      throw err;
    }
  }
}

async function decodeHeifPixels(
  file: string,
  type: MediaType,
  layout: HeifLayout | null,
  orientation: number | null,
): Promise<Decoded> {
  try {
    return await decodeHeifWithSharp(file, type, orientation);
  } catch (err) {
    // The libheif inside sharp decodes AV1 but not HEVC; HEIC needs the WebAssembly build. Its complaint, if it
    // fails too, is the more telling one.
    if (type.family !== 'heif') throw err;
    return decodeHeicWasm(file, layout, orientation);
  }
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

async function writeDerivatives(out: RenderOutput, preview: Buffer, thumbnail: Buffer): Promise<void> {
  const dirs = [...new Set([path.dirname(out.previewPath), path.dirname(out.thumbnailPath)])];
  await Promise.all(dirs.map((dir) => fsp.mkdir(dir, { recursive: true })));
  await Promise.all([
    writeFileSynced(out.previewPath, preview),
    writeFileSynced(out.thumbnailPath, thumbnail),
  ]);
  await Promise.all(dirs.map(fsyncDir));
}
