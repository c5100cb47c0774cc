import type { MediaType } from './types.ts';

/** How many leading bytes `detectMediaType` looks at. Staging keeps exactly this many. */
export const DETECT_BYTES = 64;

export const JPEG: MediaType = { mime: 'image/jpeg', ext: 'jpg', family: 'jpeg' };
export const PNG: MediaType = { mime: 'image/png', ext: 'png', family: 'png' };
export const GIF: MediaType = { mime: 'image/gif', ext: 'gif', family: 'gif' };
export const WEBP: MediaType = { mime: 'image/webp', ext: 'webp', family: 'webp' };
export const HEIC: MediaType = { mime: 'image/heic', ext: 'heic', family: 'heif' };
export const HEIF: MediaType = { mime: 'image/heif', ext: 'heif', family: 'heif' };
export const AVIF: MediaType = { mime: 'image/avif', ext: 'avif', family: 'avif' };
export const TIFF: MediaType = { mime: 'image/tiff', ext: 'tif', family: 'tiff' };
export const DNG: MediaType = { mime: 'image/x-adobe-dng', ext: 'dng', family: 'raw' };
export const CR2: MediaType = { mime: 'image/x-canon-cr2', ext: 'cr2', family: 'raw' };
export const CR3: MediaType = { mime: 'image/x-canon-cr3', ext: 'cr3', family: 'raw' };
export const RAF: MediaType = { mime: 'image/x-fujifilm-raf', ext: 'raf', family: 'raw' };
export const ORF: MediaType = { mime: 'image/x-olympus-orf', ext: 'orf', family: 'raw' };
export const RW2: MediaType = { mime: 'image/x-panasonic-rw2', ext: 'rw2', family: 'raw' };
export const NEF: MediaType = { mime: 'image/x-nikon-nef', ext: 'nef', family: 'raw' };
export const ARW: MediaType = { mime: 'image/x-sony-arw', ext: 'arw', family: 'raw' };
export const PEF: MediaType = { mime: 'image/x-pentax-pef', ext: 'pef', family: 'raw' };

// ISO-BMFF brands (ftyp major/compatible). HEVC-coded brands are 'image/heic'; the generic MIAF/HEIF brands are
// 'image/heif', which is also what ExifTool reports for them.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'heim', 'heis', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * Identifies an image from its first bytes only; the file name is never consulted, because uploads are routinely
 * misnamed (a PNG saved as .jpg, an HTML error page saved as .jpg). Returns null for anything that is not an image
 * Shoebox can store. TIFF-based RAW files other than CR2 look like plain TIFF here: see `refineTiffType`.
 */
export function detectMediaType(head: Uint8Array): MediaType | null {
  const b = head.subarray(0, DETECT_BYTES);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return GIF;
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return WEBP;
  if (ascii(b, 4, 8) === 'ftyp') return fromFtyp(b);
  if (ascii(b, 0, 15) === 'FUJIFILMCCD-RAW') return RAF;
  return fromTiffHeader(b);
}

function fromTiffHeader(b: Uint8Array): MediaType | null {
  const order = ascii(b, 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const magic = order === 'II' ? (b[2] ?? 0) | ((b[3] ?? 0) << 8) : ((b[2] ?? 0) << 8) | (b[3] ?? 0);
  // Olympus and Panasonic write their own magic numbers in place of TIFF's 42.
  if (magic === 0x4f52 || magic === 0x5352) return ORF; // 'RO' / 'RS' read as a number
  if (magic === 0x0055) return RW2;
  if (magic !== 42) return null;
  if (ascii(b, 8, 10) === 'CR') return CR2;
  return TIFF;
}

function fromFtyp(b: Uint8Array): MediaType | null {
  const boxSize = readU32BE(b, 0);
  const major = ascii(b, 8, 12);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(boxSize, b.length); at += 4) compatible.push(ascii(b, at, at + 4));
  if (major === 'crx ') return CR3;
  if (AVIF_BRANDS.has(major)) return AVIF;
  if (HEIC_BRANDS.has(major)) return HEIC;
  if (HEIF_BRANDS.has(major)) {
    // A generic major brand says nothing about the codec; the compatible brands do.
    if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return AVIF;
    return HEIF;
  }
  // Some writers put an unusual major brand first and the real one among the compatible brands.
  if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return AVIF;
  if (compatible.some((brand) => HEIC_BRANDS.has(brand))) return HEIC;
  if (compatible.some((brand) => HEIF_BRANDS.has(brand))) return HEIF;
  return null;
}

function startsWith(b: Uint8Array, bytes: number[]): boolean {
  return bytes.every((value, i) => b[i] === value);
}

/** Latin-1 text of `b[start, end)`; short input gives a short string, which then simply fails to match. */
function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

function readU32BE(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
