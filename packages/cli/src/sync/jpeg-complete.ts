/**
 * Whether `bytes` are a whole JPEG, proven by its structure rather than by waiting for the writer to go quiet:
 * the segments from SOI chain to the primary image's EOI, and the file ends exactly there, or where its MPF
 * index says the last of its further images (gain map, depth map, second frame) ends. A file cut anywhere
 * (even right after an embedded thumbnail's EOI, which sits inside APP1, or after the primary image of an
 * Ultra HDR file) is not complete. Anything this cannot vouch for — bytes after the end it cannot account for
 * (a Samsung trailer, a motion photo's video that XMP declares), an MPF index it cannot read — is "not proven",
 * and the caller falls back to its settle time.
 */
export function jpegComplete(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let at = 2;
  let extent = 0;
  for (;;) {
    if (at >= n || bytes[at] !== 0xff) return false;
    while (at < n && bytes[at] === 0xff) at++; // fill bytes before a marker
    if (at >= n) return false;
    const marker = bytes[at++] as number;
    if (marker === 0xd9) return n === Math.max(at, extent);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (at + 2 > n) return false;
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    const end = at + length;
    if (length < 2 || end > n) return false;
    if (marker === 0xe1 && declaresTrailer(bytes, at + 2, end)) return false;
    if (marker === 0xe2 && startsWith(bytes, at + 2, MPF)) {
      const mpf = mpfExtent(bytes, at + 2 + MPF.length, end);
      if (mpf === undefined) return false;
      extent = Math.max(extent, mpf);
    }
    at = end;
    if (marker === 0xda) {
      const next = afterEntropyData(bytes, at);
      if (next < 0) return false;
      at = next;
    }
  }
}

const MPF = Buffer.from('MPF\0', 'latin1');
const XMP = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
/** XMP that announces data after the JPEG's end (Google and Samsung motion photos, container images). */
const TRAILER_HINTS = ['Container:Directory', 'MicroVideo', 'MotionPhoto'].map((s) =>
  Buffer.from(s, 'latin1'),
);

function startsWith(bytes: Uint8Array, at: number, prefix: Buffer): boolean {
  return at + prefix.length <= bytes.length && prefix.equals(bytes.subarray(at, at + prefix.length));
}

function declaresTrailer(bytes: Uint8Array, start: number, end: number): boolean {
  if (!startsWith(bytes, start, XMP)) return false;
  const xmp = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  return TRAILER_HINTS.some((hint) => xmp.includes(hint));
}

/** The offset of the next marker after entropy-coded data (stuffed FF00 and RSTn skipped), or -1 if cut. */
function afterEntropyData(bytes: Uint8Array, from: number): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = from; ;) {
    const ff = buffer.indexOf(0xff, at);
    if (ff < 0 || ff + 1 >= buffer.length) return -1;
    const next = buffer[ff + 1] as number;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) at = ff + 1;
    else return ff;
  }
}

/**
 * Where the last image the MPF index (CIPA DC-007) lists ends, as a file offset; undefined when the index
 * cannot be read. Offsets in it count from its TIFF header, which starts at `tiff`.
 */
function mpfExtent(bytes: Uint8Array, tiff: number, end: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (tiff + 8 > end) return undefined;
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return undefined;
    if (u16(entry) !== 0xb002) continue; // MPEntry
    const size = u32(entry + 4);
    const list = size <= 4 ? entry + 8 : tiff + u32(entry + 8);
    if (size % 16 !== 0 || list + size > end) return undefined;
    let last = 0;
    for (let e = list; e < list + size; e += 16) {
      const imageSize = u32(e + 4);
      const offset = u32(e + 8);
      // The first image (offset 0) is the primary one, whose end the segment walk finds itself.
      if (offset !== 0) last = Math.max(last, tiff + offset + imageSize);
    }
    return last;
  }
  return undefined;
}
