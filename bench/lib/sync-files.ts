import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import sharp from 'sharp';
import { generatedPhotos } from './generate.ts';
import { CACHE_DIR, CORPUS } from './paths.ts';
import { mapLimit, sleep } from './pool.ts';

/** A file to sync: its name (unique per run), size and SHA-256 (the bytes are not kept: 1,000 x 3 MB). */
export interface SyncFile {
  name: string;
  size: number;
  sha256: string;
}

/**
 * A distinct copy of a JPEG: a comment segment of random bytes and random length goes in after the APPn
 * segments. Every later byte moves by a different amount, so no fixed-size block of one copy equals a block of
 * another: Syncthing cannot copy blocks it already has instead of transferring them, and nothing is shared that
 * two phone photos would not share either. The picture and its EXIF stay as they are.
 */
export function distinctJpeg(base: Buffer, maxExtra: number): Buffer {
  let at = 2;
  while (base[at] === 0xff && (base[at + 1] ?? 0) >= 0xe0 && (base[at + 1] ?? 0) <= 0xef)
    at += 2 + base.readUInt16BE(at + 2);
  const length = 2 + randomInt(16, Math.max(17, Math.min(maxExtra, 65_000)));
  const header = Buffer.from([0xff, 0xfe, length >> 8, length & 0xff]);
  return Buffer.concat([base.subarray(0, at), header, randomBytes(length - 2), base.subarray(at)]);
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The ~3.3 MB 12 MP phone JPEGs of the ingest bench (cached in bench/.cache), as bases for distinct copies. */
export async function largeBases(count: number): Promise<Buffer[]> {
  const files = await generatedPhotos(Math.min(count, 40));
  return Promise.all(files.map((f) => fsp.readFile(f)));
}

/** ~110 KB JPEGs (1024 px, EXIF kept) made once from the corpus phones and cached. */
export async function smallBases(): Promise<Buffer[]> {
  const dir = path.join(CACHE_DIR, 'sync-small-v2');
  await fsp.mkdir(dir, { recursive: true });
  const phones = (await fsp.readdir(path.join(CORPUS, 'phones')))
    .filter((n) => /\.jpe?g$/i.test(n) && !n.includes('8x8'))
    .sort();
  return mapLimit(phones, 2, async (name) => {
    const target = path.join(dir, name.replace(/\.\w+$/, '.jpg'));
    if (!fs.existsSync(target)) {
      const bytes = await sharp(path.join(CORPUS, 'phones', name))
        .resize(1024, 1024, { fit: 'inside' })
        .jpeg({ quality: 84 })
        .withMetadata()
        .toBuffer();
      await fsp.writeFile(target, bytes);
    }
    return fsp.readFile(target);
  });
}

/** Makes distinct file `i` from the bases and writes it into every folder in `dirs` (same bytes in each). */
export async function writeDistinct(
  dirs: readonly string[],
  bases: readonly Buffer[],
  i: number,
  prefix: string,
  maxExtra: number,
): Promise<SyncFile> {
  const bytes = distinctJpeg(bases[i % bases.length] as Buffer, maxExtra);
  const name = `${prefix}-${String(i).padStart(5, '0')}.jpg`;
  for (const dir of dirs) await fsp.writeFile(path.join(dir, name), bytes);
  return { name, size: bytes.length, sha256: sha(bytes) };
}

/** `count` distinct files written into every folder of `dirs`. */
export function writeMany(
  dirs: readonly string[],
  bases: readonly Buffer[],
  count: number,
  prefix: string,
  maxExtra: number,
): Promise<SyncFile[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapLimit(indexes, 2, (i) => writeDistinct(dirs, bases, i, prefix, maxExtra));
}

/** Where a file named `name` is under `root` (any depth, skipping dot folders), or undefined. */
export function findByName(root: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      const found = findByName(full, name);
      if (found) return found;
    } else if (entry.name === name) return full;
  }
  return undefined;
}

/** Every non-hidden file under `root`, by name → path. */
export function filesByName(root: string, into = new Map<string, string>()): Map<string, string> {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) filesByName(full, into);
    else into.set(entry.name, full);
  }
  return into;
}

/** Waits until a file named like `file` with its SHA-256 is under `root`; returns the ms waited from `t0`. */
export async function arrival(root: string, file: SyncFile, t0: number, timeoutMs: number): Promise<number> {
  for (;;) {
    const found = findByName(root, file.name);
    if (found && fs.statSync(found).size === file.size && sha(await fsp.readFile(found)) === file.sha256)
      return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${file.name} did not arrive in ${root}`);
    await sleep(2);
  }
}

/** Waits until all `files` are under `root`; returns seconds from `t0`, then checks every SHA-256. */
export async function allArrived(root: string, files: readonly SyncFile[], t0: number, timeoutMs: number) {
  const wanted = new Set(files.map((f) => f.name));
  for (;;) {
    const present = [...filesByName(root).keys()].filter((n) => wanted.has(n)).length;
    if (present === files.length) break;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${present}/${files.length} arrived in ${root}`);
    // Walking 10,000 files costs CPU that both systems need: look every 200 ms (≤ 0.2 s of error).
    await sleep(200);
  }
  const seconds = (performance.now() - t0) / 1000;
  const byName = filesByName(root);
  await mapLimit(files, 4, async (f) => {
    const got = sha(await fsp.readFile(byName.get(f.name) as string));
    if (got !== f.sha256) throw new Error(`${f.name} arrived damaged in ${root}`);
  });
  return seconds;
}
