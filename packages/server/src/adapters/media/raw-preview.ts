/** A JPEG stream found inside another file. */
export interface EmbeddedJpeg {
  start: number;
  end: number;
  width: number;
  height: number;
}

const SOI = Buffer.from([0xff, 0xd8, 0xff]);
const EOI = Buffer.from([0xff, 0xd9]);
const SOS = 0xda;
// Huffman-coded baseline, extended and progressive frames: what libjpeg decodes. Lossless frames (0xC3) are the
// sensor data of DNG and CR2 files, not pictures.
const DECODABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Every decodable JPEG inside `file`, largest first. RAW formats store their previews in different places (TIFF
 * SubIFDs, maker notes, a RAF header, CR3 boxes), but each is a plain JPEG stream, so scanning for the streams
 * themselves covers all of them with one piece of code. Candidates that are not well-formed are skipped.
 */
export function findEmbeddedJpegs(file: Buffer): EmbeddedJpeg[] {
  const found: EmbeddedJpeg[] = [];
  for (let at = file.indexOf(SOI); at !== -1; at = file.indexOf(SOI, at + SOI.length)) {
    const jpeg = parseJpegAt(file, at);
    if (jpeg) found.push(jpeg);
  }
  return found.sort((a, b) => b.width * b.height - a.width * a.height);
}

/** Walks the marker segments from an SOI to the first scan, then finds the EOI after it. */
function parseJpegAt(file: Buffer, start: number): EmbeddedJpeg | null {
  let at = start + 2;
  let size: { width: number; height: number } | null = null;
  while (at + 4 <= file.length) {
    if (file.readUInt8(at) !== 0xff) return null;
    const marker = file.readUInt8(at + 1);
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Another SOI or an EOI before any scan: not a picture (an EXIF-only stub, or a false match in raw data).
    if (marker === 0xd8 || marker === 0xd9) return null;
    const length = file.readUInt16BE(at + 2);
    if (length < 2) return null;
    if (OTHER_FRAMES.has(marker)) return null;
    if (DECODABLE_FRAMES.has(marker) && at + 9 <= file.length) {
      size = { height: file.readUInt16BE(at + 5), width: file.readUInt16BE(at + 7) };
    }
    if (marker === SOS) {
      if (!size || size.width === 0 || size.height === 0) return null;
      // Entropy-coded data escapes 0xFF as FF 00, so the first FF D9 after the scan starts is the end.
      const eoi = file.indexOf(EOI, at + 2 + length);
      return eoi === -1 ? null : { start, end: eoi + EOI.length, ...size };
    }
    at += 2 + length;
  }
  return null;
}
