import fs from 'node:fs';
import { corpusFile } from '../../../server/test/support/corpus.ts';

/** Where each end-of-image marker (FF D9) in `bytes` ends: embedded thumbnails, primary image, further images. */
export function eoiEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  const eoi = Buffer.from([0xff, 0xd9]);
  for (let at = bytes.indexOf(eoi); at >= 0; at = bytes.indexOf(eoi, at + 1)) ends.push(at + 2);
  return ends;
}

/**
 * A two-image JPEG the way phones write Ultra HDR and depth photos: `primary` with an MPF index (APP2, CIPA
 * DC-007) inserted after its SOI, and `second` appended after its end. Cut right after the primary image, it
 * looks whole to anyone who checks only that the file ends with FF D9.
 */
export function mpfJpeg(primary: Buffer, second: Buffer): { bytes: Buffer; primaryEnd: number } {
  const segment = Buffer.alloc(66);
  segment.writeUInt16BE(0xffe2, 0);
  segment.writeUInt16BE(64, 2);
  segment.write('MPF\0', 4, 'latin1');
  const tiff = 8; // within the segment
  segment.write('II*\0', tiff, 'latin1');
  segment.writeUInt32LE(8, tiff + 4); // IFD0 right after the header
  segment.writeUInt16LE(1, tiff + 8); // one entry: MPEntry
  segment.writeUInt16LE(0xb002, tiff + 10);
  segment.writeUInt16LE(7, tiff + 12); // UNDEFINED
  segment.writeUInt32LE(32, tiff + 14); // two 16-byte entries…
  segment.writeUInt32LE(26, tiff + 18); // …at this offset from the TIFF header
  segment.writeUInt32LE(0, tiff + 22); // no next IFD
  const primaryEnd = primary.length + segment.length;
  const at = 2; // the segment goes right after SOI
  const tiffInFile = at + tiff;
  const entries = tiff + 26;
  segment.writeUInt32LE(0x030000, entries); // primary image
  segment.writeUInt32LE(primaryEnd, entries + 4);
  segment.writeUInt32LE(0, entries + 8);
  segment.writeUInt32LE(0, entries + 16);
  segment.writeUInt32LE(second.length, entries + 20);
  segment.writeUInt32LE(primaryEnd - tiffInFile, entries + 24);
  const bytes = Buffer.concat([primary.subarray(0, at), segment, primary.subarray(at), second]);
  return { bytes, primaryEnd };
}

export const corpusBytes = (p: string) => fs.readFileSync(corpusFile(p));
