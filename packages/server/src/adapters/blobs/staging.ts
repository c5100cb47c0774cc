import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  /** The first bytes of the file, for content sniffing without another read. */
  head: Buffer;
}

export class StagingLimitError extends Error {
  override readonly name = 'StagingLimitError';
}

const HEAD_BYTES = 64;

/**
 * Streams `source` into a temporary file under `dir`, hashing as it goes, then fsyncs it. Memory stays bounded by
 * the stream's chunk size whatever the file size. On any failure the temporary file is removed.
 */
export async function stageStream(source: Readable, dir: string, maxBytes: number): Promise<StagedFile> {
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  const handle = await fsp.open(file, 'wx');
  let size = 0;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes)
        throw new StagingLimitError(`The file is larger than the limit of ${maxBytes} bytes.`);
      if (headLength < HEAD_BYTES) {
        headChunks.push(buf.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(buf.length, HEAD_BYTES - headLength);
      }
      hash.update(buf);
      await handle.write(buf);
    }
    await handle.sync();
    await handle.close();
    return { path: file, sha256: hash.digest('hex'), size, head: Buffer.concat(headChunks) };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(file, { force: true });
    throw err;
  }
}

/** Removes staging leftovers of a previous run (an upload cut off by a crash never became a photo). */
export function clearStaging(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}
