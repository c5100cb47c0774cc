import { withFileSource, type ByteSource } from './byte-source.ts';
import { ARW, DNG, NEF, PEF } from './detect.ts';
import type { MediaType } from './types.ts';

// Just enough TIFF to tell DNG and other TIFF-based RAW files from plain TIFF and to find the size of the sensor
// image; exifr answers everything else. Limits keep a hostile file from sending the walk around in circles.
const MAX_ENTRIES = 1024;
const MAX_IFDS = 32;

const TAG = {
  newSubfileType: 0x00fe,
  imageWidth: 0x0100,
  imageLength: 0x0101,
  photometric: 0x0106,
  make: 0x010f,
  subIfds: 0x014a,
  dngVersion: 0xc612,
} as const;

const PHOTOMETRIC_CFA = 32803;
const PHOTOMETRIC_LINEAR_RAW = 34892;
const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  13: 4,
};

interface Entry {
  type: number;
  count: number;
  /** Absolute file offset of the value bytes (inline values point into the entry itself). */
  at: number;
}

type Ifd = Map<number, Entry>;

class TiffReader {
  private constructor(
    private readonly source: ByteSource,
    private readonly le: boolean,
    readonly firstIfd: number,
  ) {}

  static async open(source: ByteSource): Promise<TiffReader | null> {
    const head = await source.read(0, 8);
    if (head.length < 8) return null;
    const order = head.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return null;
    const le = order === 'II';
    const magic = le ? head.readUInt16LE(2) : head.readUInt16BE(2);
    // 42 is TIFF; Olympus (ORF) and Panasonic (RW2) keep TIFF's layout under their own magic numbers.
    if (![42, 0x4f52, 0x5352, 0x55].includes(magic)) return null;
    return new TiffReader(source, le, le ? head.readUInt32LE(4) : head.readUInt32BE(4));
  }

  async readIfd(offset: number): Promise<{ ifd: Ifd; next: number } | null> {
    if (offset < 8 || offset + 2 > this.source.size) return null;
    const countBuf = await this.source.read(offset, 2);
    const count = this.u16(countBuf, 0);
    if (count === 0 || count > MAX_ENTRIES) return null;
    const body = await this.source.read(offset + 2, count * 12 + 4);
    if (body.length < count * 12) return null;
    const ifd: Ifd = new Map();
    for (let i = 0; i < count; i++) {
      const base = i * 12;
      const type = this.u16(body, base + 2);
      const entryCount = this.u32(body, base + 4);
      const size = (TYPE_SIZES[type] ?? 0) * entryCount;
      const at = size <= 4 ? offset + 2 + base + 8 : this.u32(body, base + 8);
      ifd.set(this.u16(body, base), { type, count: entryCount, at });
    }
    const next = body.length >= count * 12 + 4 ? this.u32(body, count * 12) : 0;
    return { ifd, next };
  }

  /** Unsigned integer values of a BYTE/SHORT/LONG/IFD entry, at most `max` of them. */
  async numbers(entry: Entry | undefined, max = 16): Promise<number[]> {
    if (!entry || ![1, 3, 4, 13].includes(entry.type)) return [];
    const width = TYPE_SIZES[entry.type] ?? 1;
    const count = Math.min(entry.count, max);
    const buf = await this.source.read(entry.at, count * width);
    const values: number[] = [];
    for (let at = 0; at + width <= buf.length; at += width) {
      values.push(width === 1 ? buf.readUInt8(at) : width === 2 ? this.u16(buf, at) : this.u32(buf, at));
    }
    return values;
  }

  async text(entry: Entry | undefined): Promise<string | null> {
    if (!entry || entry.type !== 2) return null;
    const buf = await this.source.read(entry.at, Math.min(entry.count, 256));
    const end = buf.indexOf(0);
    return buf.toString('latin1', 0, end === -1 ? buf.length : end).trim() || null;
  }

  private u16(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  private u32(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }
}

/** IFD0, its chain (IFD1…) and their SubIFDs, in file order, each visited once. */
async function readAllIfds(reader: TiffReader): Promise<Ifd[]> {
  const seen = new Set<number>();
  const found: Ifd[] = [];
  const queue = [reader.firstIfd];
  for (let i = 0; i < queue.length && found.length < MAX_IFDS; i++) {
    const offset = queue[i] ?? 0;
    if (seen.has(offset)) continue;
    seen.add(offset);
    const parsed = await reader.readIfd(offset);
    if (!parsed) continue;
    found.push(parsed.ifd);
    queue.push(...(await reader.numbers(parsed.ifd.get(TAG.subIfds), MAX_IFDS)));
    if (parsed.next) queue.push(parsed.next);
  }
  return found;
}

const RAW_MAKES: [RegExp, MediaType][] = [
  [/^nikon/i, NEF],
  [/^sony/i, ARW],
  [/^(pentax|ricoh)/i, PEF],
];

/**
 * The first 64 bytes of a DNG, NEF or ARW are a plain TIFF header. The DNGVersion tag in IFD0, or sensor (CFA or
 * linear raw) data in any IFD, is what makes it RAW. Types other than plain TIFF are returned unchanged.
 */
export async function refineTiffType(path: string, type: MediaType): Promise<MediaType> {
  if (type.family !== 'tiff') return type;
  try {
    return await withFileSource(path, async (source) => {
      const reader = await TiffReader.open(source);
      if (!reader) return type;
      const ifds = await readAllIfds(reader);
      const ifd0 = ifds[0];
      if (!ifd0) return type;
      if (ifd0.has(TAG.dngVersion)) return DNG;
      if (!(await hasSensorData(reader, ifds))) return type;
      const make = (await reader.text(ifd0.get(TAG.make))) ?? '';
      return RAW_MAKES.find(([pattern]) => pattern.test(make))?.[1] ?? type;
    });
  } catch {
    // An unreadable header is the decoder's problem to report; the magic bytes said TIFF.
    return type;
  }
}

async function hasSensorData(reader: TiffReader, ifds: Ifd[]): Promise<boolean> {
  for (const ifd of ifds) {
    const [photometric] = await reader.numbers(ifd.get(TAG.photometric), 1);
    if (photometric === PHOTOMETRIC_CFA || photometric === PHOTOMETRIC_LINEAR_RAW) return true;
  }
  return false;
}

/**
 * Size of the full-resolution image in a TIFF-based RAW file: the largest IFD marked as the main image
 * (NewSubfileType 0). IFD0 of a DNG is usually a small preview, so its ImageWidth would mislead.
 */
export async function readRawImageSize(path: string): Promise<{ width: number; height: number } | null> {
  return withFileSource(path, async (source) => {
    const reader = await TiffReader.open(source);
    if (!reader) return null;
    let best: { width: number; height: number } | null = null;
    for (const ifd of await readAllIfds(reader)) {
      const [subfileType = 0] = await reader.numbers(ifd.get(TAG.newSubfileType), 1);
      const [width] = await reader.numbers(ifd.get(TAG.imageWidth), 1);
      const [height] = await reader.numbers(ifd.get(TAG.imageLength), 1);
      if (subfileType !== 0 || !width || !height) continue;
      if (!best || width * height > best.width * best.height) best = { width, height };
    }
    return best;
  });
}
