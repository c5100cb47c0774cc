import fsp, { type FileHandle } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import type { Photo } from '@shoebox/shared';
import { tempPath } from './download.ts';
import { photoTime } from './layout.ts';
import type { SyncSession } from './session.ts';

/** Chunks gathered into one `writev` call (a system call per 64 KiB chunk would cost more than the bytes). */
const WRITE_AT = 1024 * 1024;
/** Bytes queued for writing before the reader waits for the disk: bounds memory per stream. */
const QUEUED_MAX = 8 * 1024 * 1024;

/**
 * A photo's temp file filled as its bytes arrive: each chunk is hashed and written in the same pass, with no copy
 * of its own, and writes run while the next chunks arrive. `finish` makes it durable (fsync) with the photo's
 * capture time; the caller moves it into place only after that, and only if `sha256()` matched.
 */
export class TempFileWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private queuedBytes = 0;
  private writing: Promise<void>;
  private failure: { err: unknown } | undefined;

  private constructor(
    private readonly opening: Promise<FileHandle>,
    private readonly file: string,
  ) {
    // Opened off the reading path: the open waits in the thread pool behind other files' fsyncs, and the bytes of
    // a small photo are all in memory before it needs the file.
    this.writing = opening.then(
      () => {},
      (err: unknown) => void (this.failure = { err }),
    );
  }

  static open(s: SyncSession, photo: Photo): TempFileWriter {
    const file = tempPath(s, photo);
    return new TempFileWriter(fsp.open(file, 'w'), file);
  }

  async add(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_AT) this.flush();
    if (this.queuedBytes > QUEUED_MAX) await this.writing;
    if (this.failure) throw this.failure.err;
  }

  /** The SHA-256 of everything added (call once, after the last chunk). */
  sha256(): string {
    return this.hash.digest('hex');
  }

  /** Writes what is left, sets the capture time, syncs and closes. */
  async finish(photo: Photo): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failure) {
      await this.discard();
      throw this.failure.err;
    }
    const handle = await this.opening;
    try {
      const time = photoTime(photo);
      await handle.utimes(time, time);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Closes and removes the file (a damaged or cut-off photo). */
  async discard(): Promise<void> {
    await this.writing;
    const handle = await this.opening.catch(() => undefined);
    await handle?.close().catch(() => {});
    await fsp.rm(this.file, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.queuedBytes += bytes;
    // Appended in order: each write starts where the previous one ended (the handle's own position).
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        let written = (await (await this.opening).writev(chunks)).bytesWritten;
        // A short write (nearly full disk) goes on with the rest rather than leaving a hole the hash never saw.
        if (written < bytes) {
          const rest = Buffer.concat(chunks).subarray(written);
          for (let at = 0; at < rest.length; at += written) {
            written = (await (await this.opening).write(rest, at)).bytesWritten;
            if (written === 0) throw new Error('the disk took no more bytes');
          }
        }
      } catch (err) {
        this.failure = { err };
      } finally {
        this.queuedBytes -= bytes;
      }
    });
  }
}
