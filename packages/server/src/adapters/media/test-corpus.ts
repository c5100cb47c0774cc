// Test support: the shared photo corpus and its manifest. Not used outside tests.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DETECT_BYTES } from './detect.ts';

/** One row of MANIFEST.tsv: what ExifTool 12.57 (`-j -n`) read from the file. Empty cells are ''. */
export interface ManifestRow {
  /** Relative to the corpus folder, e.g. 'photos/phones/xiaomi-mi9t.jpg'. */
  path: string;
  /** The path inside photos/, e.g. 'phones/xiaomi-mi9t.jpg'. */
  name: string;
  absolutePath: string;
  sha256: string;
  Make: string;
  Model: string;
  DateTimeOriginal: string;
  OffsetTimeOriginal: string;
  OffsetTime: string;
  GPSLatitude: string;
  GPSLongitude: string;
  Orientation: string;
  ImageWidth: string;
  ImageHeight: string;
  MIMEType: string;
  kind: string;
}

/** The repository root: the nearest folder upwards whose package.json declares workspaces. */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      'workspaces' in (JSON.parse(fs.readFileSync(manifest, 'utf8')) as object)
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`No workspace root above ${from}.`);
  }
}

/** `shared/` sits beside the repository, both here and in CI; the path is never hard-coded. */
export const PHOTOS_DIR = path.resolve(repoRoot(import.meta.dirname), '../shared/corpus/photos');

export function loadManifest(): ManifestRow[] {
  const file = path.join(PHOTOS_DIR, 'MANIFEST.tsv');
  if (!fs.existsSync(file)) throw new Error(`The photo corpus is missing: expected ${file}.`);
  const [header = '', ...lines] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ''])) as Record<
      string,
      string
    >;
    const relative = row.path ?? '';
    return {
      ...(row as unknown as ManifestRow),
      name: relative.replace(/^photos\//, ''),
      absolutePath: path.resolve(PHOTOS_DIR, '..', relative),
    };
  });
}

export async function readHead(file: string): Promise<Uint8Array> {
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(DETECT_BYTES);
    const { bytesRead } = await handle.read(buf, 0, DETECT_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** ExifTool's 'YYYY:MM:DD HH:MM:SS' as ISO 8601 'YYYY-MM-DDTHH:MM:SS' (any zone suffix dropped). */
export function isoFromExifTool(value: string): string {
  return value.slice(0, 19).replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T');
}

/** A number cell, or null when the cell is empty. */
export function numberCell(value: string): number | null {
  return value === '' ? null : Number(value);
}
