import { withFileSource, type ByteSource } from './byte-source.ts';

/** What Shoebox needs from a HEIF/AVIF container before it decides how (and whether) to decode it. */
export interface HeifLayout {
  /** Size of the primary image as coded ('ispe'), before any container rotation: ExifTool's ImageWidth. */
  width: number | null;
  height: number | null;
  /** The primary image carries a rotation ('irot') or mirror ('imir') that decoders apply themselves. */
  transformed: boolean;
  /** A top-level box claims to run past the end of the file: the file was cut short (or its sizes are corrupt). */
  truncated: boolean;
}

// The 'meta' box holds only item tables (a few KB); anything near this size is not a real meta box.
const MAX_META_BYTES = 8 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the box content, after the header. */
  start: number;
  end: number;
}

export async function readHeifLayout(path: string): Promise<HeifLayout> {
  return withFileSource(path, readLayout);
}

async function readLayout(source: ByteSource): Promise<HeifLayout> {
  const layout: HeifLayout = { width: null, height: null, transformed: false, truncated: false };
  let offset = 0;
  while (offset + 8 <= source.size) {
    const header = await source.read(offset, 16);
    // Without 'ftyp' first this is not ISO-BMFF at all, and "truncated" would be the wrong diagnosis.
    if (offset === 0 && header.toString('latin1', 4, 8) !== 'ftyp') break;
    const box = parseBoxHeader(header, 0, source.size - offset);
    if (!box) {
      layout.truncated = true;
      break;
    }
    if (box.type === 'meta' && box.end - box.start <= MAX_META_BYTES) {
      const meta = await source.read(offset + box.start, box.end - box.start);
      try {
        Object.assign(layout, parseMeta(meta));
      } catch {
        // A damaged item table leaves the size unknown; the decoder will say what else is wrong.
      }
    }
    offset += box.end;
  }
  return layout;
}

/** Header of the box at `at`; null when it is malformed or extends beyond `limit` bytes from `at`. */
function parseBoxHeader(buf: Buffer, at: number, limit: number): Box | null {
  if (at + 8 > buf.length) return null;
  const size32 = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  let size = size32;
  if (size32 === 1) {
    if (at + 16 > buf.length) return null;
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  } else if (size32 === 0) {
    size = limit; // "extends to the end of the file"
  }
  if (size < headerSize || size > limit) return null;
  return { type, start: at + headerSize, end: at + size };
}

function children(buf: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    const box = parseBoxHeader(buf, at, end - at);
    if (!box) break;
    found.push(box);
    at = box.end;
  }
  return found;
}

function parseMeta(meta: Buffer): Pick<HeifLayout, 'width' | 'height' | 'transformed'> {
  // 'meta' is a FullBox: 4 bytes of version and flags precede its children.
  const boxes = children(meta, 4, meta.length);
  const pitm = boxes.find((b) => b.type === 'pitm');
  const iprp = boxes.find((b) => b.type === 'iprp');
  if (!pitm || !iprp) return { width: null, height: null, transformed: false };
  const primary =
    meta.readUInt8(pitm.start) === 0 ? meta.readUInt16BE(pitm.start + 4) : meta.readUInt32BE(pitm.start + 4);
  const iprpBoxes = children(meta, iprp.start, iprp.end);
  const ipco = iprpBoxes.find((b) => b.type === 'ipco');
  const properties = ipco ? children(meta, ipco.start, ipco.end) : [];
  const indexes = iprpBoxes.filter((b) => b.type === 'ipma').flatMap((b) => associations(meta, b, primary));
  // Property indexes are 1-based; 0 means "no property".
  const associated = indexes.map((i) => properties[i - 1]).filter((b): b is Box => b !== undefined);
  const ispe = associated.find((b) => b.type === 'ispe');
  return {
    width: ispe ? meta.readUInt32BE(ispe.start + 4) : null,
    height: ispe ? meta.readUInt32BE(ispe.start + 8) : null,
    transformed: associated.some((b) => b.type === 'irot' || b.type === 'imir'),
  };
}

/** Property indexes that an 'ipma' box associates with `item`. */
function associations(buf: Buffer, ipma: Box, item: number): number[] {
  const version = buf.readUInt8(ipma.start);
  const wideIndexes = (buf.readUInt32BE(ipma.start) & 1) === 1;
  const entryCount = buf.readUInt32BE(ipma.start + 4);
  let at = ipma.start + 8;
  for (let e = 0; e < entryCount && at < ipma.end; e++) {
    const id = version < 1 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
    at += version < 1 ? 2 : 4;
    const count = buf.readUInt8(at);
    at += 1;
    const indexes: number[] = [];
    for (let i = 0; i < count; i++) {
      // The top bit marks the property as essential; the rest is the index.
      indexes.push(wideIndexes ? buf.readUInt16BE(at) & 0x7fff : buf.readUInt8(at) & 0x7f);
      at += wideIndexes ? 2 : 1;
    }
    if (id === item) return indexes;
  }
  return [];
}
