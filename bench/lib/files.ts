import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { UploadInput } from './api.ts';
import { CORPUS } from './paths.ts';
import { mapLimit } from './pool.ts';

export type FileKind = 'generated' | 'corpus';

export interface BenchFile extends UploadInput {
  kind: FileKind;
}

/** Every corpus photo except those in malformed/ (which ingest must survive, but which are not photos). */
export async function corpusPhotos(): Promise<string[]> {
  if (!fs.existsSync(CORPUS)) throw new Error(`The photo corpus is missing: ${CORPUS}`);
  const folders = (await fsp.readdir(CORPUS, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && d.name !== 'malformed')
    .map((d) => path.join(CORPUS, d.name));
  const files = await Promise.all(
    folders.map(async (dir) => (await fsp.readdir(dir)).map((name) => path.join(dir, name))),
  );
  return files.flat().sort();
}

/** Size and SHA-256 of each file, computed before the clock starts, as the CLI does before it uploads. */
export function describe(paths: readonly string[], kind: FileKind): Promise<BenchFile[]> {
  return mapLimit(paths, 4, async (file) => {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    return { path: file, size: (await fsp.stat(file)).size, sha256: hash.digest('hex'), kind };
  });
}

export function totalBytes(files: readonly BenchFile[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

/** Reads every file once so that the first measured pass does not pay for a cold page cache. */
export async function warmPageCache(files: readonly BenchFile[]): Promise<void> {
  await mapLimit(files, 4, async (f) => {
    await fsp.readFile(f.path);
  });
}
