import type { Readable } from 'node:stream';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobWrite {
  key: string;
  data: Uint8Array;
}

/**
 * Where bytes live. Keys are slash-separated paths such as `originals/ab/abcd…`; the store never interprets them.
 * Writes are atomic: a reader sees either nothing or the complete object.
 */
export interface BlobStore {
  /** Moves a complete, fsynced local file into the store under `key` (the file is consumed). */
  importFile(localPath: string, key: string): Promise<void>;
  /**
   * Stores objects from memory, each atomically, and makes them durable together: cheaper than one `importFile`
   * each, as objects that share a folder share one directory sync.
   */
  writeAll(objects: readonly BlobWrite[]): Promise<void>;
  /** Size in bytes, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  /** Streams the object, or a byte range of it. Fails with ENOENT-like error when absent. */
  read(key: string, range?: ByteRange): Readable;
  /** A local file path holding the object's bytes, valid while `use` runs. */
  withLocalFile<T>(key: string, use: (localPath: string) => Promise<T>): Promise<T>;
  /** Removes the object; absent objects are not an error. */
  delete(key: string): Promise<void>;
  /** Every key under a prefix (for audits and backups). */
  list(prefix: string): AsyncIterable<string>;
}

export function originalKey(sha256: string): string {
  return `originals/${sha256.slice(0, 2)}/${sha256}`;
}

export type DerivativeKind = 'thumbnail' | 'preview';

export function derivativeKey(sha256: string, kind: DerivativeKind): string {
  return `derivatives/${sha256.slice(0, 2)}/${sha256}-${kind}.jpg`;
}
