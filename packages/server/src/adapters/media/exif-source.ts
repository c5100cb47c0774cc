import fsp from 'node:fs/promises';
import sharp from 'sharp';
import { withFileSource } from './byte-source.ts';
import type { MediaType } from './types.ts';

/**
 * What exifr is given for a file. exifr's own chunked file reading misses EXIF that starts more than one chunk
 * into a JPEG (phones/apple-iphone4.jpg after an ICC profile, tricky/motorola-moto-g9-bad-ifd2-16mp.jpg after
 * 140 KB of maker segments) and a PNG eXIf chunk after the pixels, and it does not read WebP at all. So Shoebox
 * cuts out the bytes itself where it can, and lets exifr seek only in formats it navigates by offsets.
 */
export type ExifSource =
  | { kind: 'container'; data: Buffer | string }
  | { kind: 'blocks'; exif: Buffer | undefined; xmp: Buffer | undefined };

// Metadata segments precede the first scan; more than this before it is not a photo worth parsing.
const MAX_JPEG_HEADER = 16 * 1024 * 1024;
const MAX_PNG_BYTES = 64 * 1024 * 1024;

export async function exifSource(path: string, type: MediaType): Promise<ExifSource> {
  switch (type.family) {
    case 'jpeg':
      return { kind: 'container', data: await readJpegHeader(path) };
    case 'png': {
      const { size } = await fsp.stat(path);
      return { kind: 'container', data: size <= MAX_PNG_BYTES ? await fsp.readFile(path) : path };
    }
    case 'webp':
      return webpBlocks(path);
    case 'gif':
    case 'heif':
    case 'avif':
    case 'tiff':
    case 'raw':
      return { kind: 'container', data: path };
  }
}

/** The bytes from SOI up to the first scan (SOS): every APPn segment, which is where JPEG keeps metadata. */
async function readJpegHeader(path: string): Promise<Buffer> {
  return withFileSource(path, async (source) => {
    let at = 2;
    while (at + 4 <= source.size && at < MAX_JPEG_HEADER) {
      const marker = await source.read(at, 4);
      if (marker.readUInt8(0) !== 0xff) break;
      const code = marker.readUInt8(1);
      if (code === 0xff) {
        at += 1; // fill byte
        continue;
      }
      if (code === 0xda || code === 0xd9) break;
      at += 2 + marker.readUInt16BE(2);
    }
    return source.read(0, Math.min(at, MAX_JPEG_HEADER));
  });
}

/** libvips finds the EXIF and XMP chunks of a WebP. */
async function webpBlocks(path: string): Promise<ExifSource> {
  const { exif, xmp } = await sharp(path).metadata();
  return { kind: 'blocks', exif: exif && stripExifHeader(exif), xmp };
}

/** EXIF blocks copied out of containers may keep JPEG's 'Exif\0\0' prefix; exifr wants the TIFF header first. */
export function stripExifHeader(block: Buffer): Buffer {
  return block.toString('latin1', 0, 6) === 'Exif\0\0' ? block.subarray(6) : block;
}
