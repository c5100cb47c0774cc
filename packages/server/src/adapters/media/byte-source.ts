import fsp from 'node:fs/promises';

/**
 * Random access to a file's bytes. Container parsers (TIFF, ISO-BMFF) jump between offsets that can lie anywhere
 * in a file of tens of megabytes, so they read just what they need instead of loading the file.
 */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset`; shorter (possibly empty) at the end of the file, never an error. */
  read(offset: number, length: number): Promise<Buffer>;
}

export async function withFileSource<T>(path: string, fn: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await fsp.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      size,
      read: async (offset, length) => {
        const start = clamp(offset, size);
        const want = clamp(start + length, size) - start;
        const buf = Buffer.alloc(want);
        const { bytesRead } = await handle.read(buf, 0, want, start);
        return buf.subarray(0, bytesRead);
      },
    };
    return await fn(source);
  } finally {
    await handle.close();
  }
}

/** Reads the last `length` bytes of a file (all of it when shorter). */
export async function readTail(path: string, length: number): Promise<Buffer> {
  return withFileSource(path, (source) => source.read(Math.max(0, source.size - length), length));
}

function clamp(value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, max);
}
