import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  configureMedia,
  detectMediaType,
  PREVIEW_LONG_SIDE,
  renderDerivatives,
  THUMBNAIL_HEIGHT,
  THUMBNAIL_MAX_WIDTH,
} from '../../packages/server/src/adapters/media/index.ts';
import { totalBytes, type BenchFile } from './files.ts';
import { cpuSecondsSince, mapLimit, secondsSince } from './pool.ts';

export interface Throughput {
  files: number;
  bytes: number;
  seconds: number;
  photosPerSecond: number;
  mbPerSecond: number;
  /** Files for which no thumbnail and preview came out. */
  failed: number;
  /** CPU time used (all threads of the measured process), in seconds: independent of other load. */
  cpuSeconds: number;
}

export function throughput(
  files: readonly BenchFile[],
  seconds: number,
  cpuSeconds: number,
  failed = 0,
): Throughput {
  const bytes = totalBytes(files);
  return {
    files: files.length,
    bytes,
    seconds,
    photosPerSecond: files.length / seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    failed,
    cpuSeconds,
  };
}

type Maker = (file: BenchFile, out: { previewPath: string; thumbnailPath: string }) => Promise<boolean>;

/** The server's own code path, in-process: one decode, preview 1440 px and thumbnail 250 px high, fsynced. */
const serverRender: Maker = async (file, out) => {
  const handle = await fsp.open(file.path, 'r');
  const head = Buffer.alloc(64);
  const { bytesRead } = await handle.read(head, 0, 64, 0).finally(() => handle.close());
  const type = detectMediaType(head.subarray(0, bytesRead));
  if (!type) return false;
  return (await renderDerivatives({ path: file.path, type }, out)).ok;
};

/** Plain sharp, as a tutorial would write it: two pipelines on one input, each shrinking on load. */
const plainSharp: Maker = async (file, out) => {
  try {
    const image = sharp(file.path).autoOrient();
    await Promise.all([
      image
        .clone()
        .resize({
          width: PREVIEW_LONG_SIDE,
          height: PREVIEW_LONG_SIDE,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .jpeg({ quality: 80 })
        .toFile(out.previewPath),
      image
        .clone()
        .resize({
          width: THUMBNAIL_MAX_WIDTH,
          height: THUMBNAIL_HEIGHT,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .jpeg({ quality: 80 })
        .toFile(out.thumbnailPath),
    ]);
    return true;
  } catch {
    return false; // e.g. HEVC-coded HEIC, which the sharp build cannot decode
  }
};

export const CEILINGS = { renderDerivatives: serverRender, plainSharp } as const;
export type CeilingName = keyof typeof CEILINGS;

/**
 * Makes every file's thumbnail and preview in this process with `concurrency` files in flight and libvips
 * threads set as the server sets them by default (one per core), and times it.
 */
export async function measureCeiling(
  name: CeilingName,
  files: readonly BenchFile[],
  concurrency: number,
  scratch: string,
): Promise<Throughput> {
  configureMedia({ threads: os.availableParallelism() });
  await fsp.mkdir(scratch, { recursive: true });
  const make = CEILINGS[name];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const results = await mapLimit(files, concurrency, async (file, i) => {
    const out = {
      previewPath: path.join(scratch, `${i}-preview.jpg`),
      thumbnailPath: path.join(scratch, `${i}-thumbnail.jpg`),
    };
    const ok = await make(file, out);
    await Promise.all([fsp.rm(out.previewPath, { force: true }), fsp.rm(out.thumbnailPath, { force: true })]);
    return ok;
  });
  const failed = results.filter((ok) => !ok).length;
  return throughput(files, secondsSince(started), cpuSecondsSince(cpu), failed);
}
