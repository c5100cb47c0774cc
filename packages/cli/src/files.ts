import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';

/** Extensions picked up when walking a folder; files named explicitly are always sent (the server decides). */
export const PHOTO_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.heic',
  '.heif',
  '.hif',
  '.avif',
  '.tif',
  '.tiff',
  '.dng',
  '.cr2',
  '.cr3',
  '.nef',
  '.arw',
  '.orf',
  '.rw2',
  '.raf',
  '.pef',
  '.srw',
]);

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
}

/** Expands files and folders (recursively) into photo files, skipping hidden entries inside folders. */
export async function collectFiles(inputs: string[]): Promise<{ files: FoundFile[]; missing: string[] }> {
  const files: FoundFile[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = await fsp.stat(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (stat.isDirectory()) await walk(input, files);
    else if (stat.isFile()) files.push(found(path.resolve(input), stat));
  }
  return { files, missing };
}

async function walk(dir: string, into: FoundFile[]): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.resolve(dir, entry.name);
    if (entry.isDirectory()) await walk(full, into);
    else if (!PHOTO_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) continue;
    else if (entry.isFile()) into.push(found(full, await fsp.stat(full)));
    // Symlinked photos are followed; symlinked folders are not, so a link loop cannot trap the walk.
    else if (entry.isSymbolicLink()) {
      const stat = await fsp.stat(full).catch(() => undefined);
      if (stat?.isFile()) into.push(found(full, stat));
    }
  }
}

function found(file: string, stat: fs.Stats): FoundFile {
  return { path: file, size: stat.size, mtimeMs: stat.mtimeMs, birthtimeMs: stat.birthtimeMs };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `work` over items with at most `limit` at once, keeping results in input order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
