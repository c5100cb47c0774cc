import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Photo } from '@shoebox/shared';
import { WHOLE_BELOW, download } from './download.ts';
import { fetchBatch } from './fetch-batch.ts';
import { TEMP_DIR, plannedPath } from './layout.ts';
import type { SyncSession } from './session.ts';
import { WorkPool } from './stream.ts';

/** Requests in flight: enough to keep the link busy while each batch is hashed, written and synced. */
const STREAMS = 4;
/**
 * Per request: a round trip per few dozen small photos, a few large ones. Photos stream to disk as they arrive, so
 * this no longer bounds memory; it bounds how long finished files wait to be moved into place and recorded.
 */
const BATCH_PHOTOS = 128;
const BATCH_BYTES = 48 * 1024 * 1024;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Fetches photos into the folder, many per request (`POST /sync/originals`), STREAMS requests at a time, across
 * feed pages: the next page's photos start while the last batches of the one before still download. Every file
 * is checked against its SHA-256 and durable before it is recorded.
 */
export class Fetcher {
  private readonly pool = new WorkPool(STREAMS);
  /** Ids and contents (SHA-256) of the photos being fetched, with how many batches hold each. */
  private readonly busy = new Map<string, number>();

  constructor(private readonly s: SyncSession) {}

  /**
   * Whether a photo (by id or content) is still being fetched. A page naming one must wait for it: its state
   * record, not yet written, decides whether the photo is fetched, trashed or left (else it would be fetched
   * twice, beside itself, or a deletion would miss the file still on its way).
   */
  touches(photos: readonly (Photo | string)[]): boolean {
    if (this.busy.size === 0) return false;
    return photos.some((p) =>
      typeof p === 'string' ? this.busy.has(p) : this.busy.has(p.id) || this.busy.has(p.sha256),
    );
  }

  /**
   * Starts fetching `photos`, waiting for free streams; resolves once all are started. `done` settles when they
   * have all been fetched, with the ids the server no longer lets this device have (trashed or unshared
   * meanwhile): the caller reads the feed again for their news.
   */
  async start(photos: readonly Photo[]): Promise<{ done: Promise<string[]> }> {
    if (photos.length > 0) await fsp.mkdir(path.join(this.s.root, TEMP_DIR), { recursive: true });
    const gone: string[] = [];
    const tasks: Promise<void>[] = [];
    for (const batch of batches(photos)) {
      const keys = batch.flatMap((p) => [p.id, p.sha256]);
      for (const key of keys) this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
      const release = () => {
        for (const key of keys) {
          const left = (this.busy.get(key) ?? 1) - 1;
          if (left > 0) this.busy.set(key, left);
          else this.busy.delete(key);
        }
      };
      try {
        await this.pool.run(() => {
          const task = this.fetch(batch)
            .then((ids) => void gone.push(...ids))
            .finally(release);
          tasks.push(task);
          return task;
        });
      } catch (err) {
        release();
        throw err;
      }
    }
    const done = Promise.all(tasks).then(() => gone);
    done.catch(() => {}); // met where it is awaited, or dropped when the pass fails anyway
    return { done };
  }

  /** Waits for everything started; throws the first failure. */
  drain(): Promise<void> {
    return this.pool.drain();
  }

  private async fetch(batch: readonly Photo[]): Promise<string[]> {
    const [first] = batch;
    if (!(batch.length === 1 && first && first.size > WHOLE_BELOW)) return fetchBatch(this.s, batch);
    const rel = await download(this.s, first);
    this.s.report.downloaded++;
    this.s.note(`downloaded ${rel}`);
    return [];
  }
}

/** Splits the list so that every stream gets work and no batch holds too much: a large photo goes alone. */
function* batches(photos: readonly Photo[]): Generator<Photo[]> {
  const perBatch = Math.min(BATCH_PHOTOS, Math.ceil(photos.length / STREAMS));
  let batch: Photo[] = [];
  let bytes = 0;
  for (const photo of photos) {
    if (photo.size > WHOLE_BELOW) {
      yield [photo];
      continue;
    }
    if (batch.length > 0 && (batch.length >= perBatch || bytes + photo.size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(photo);
    bytes += photo.size;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Whether the photo is already in the folder, not recorded: a crash after a download was moved into place but
 * before it was recorded. Then it is recorded now instead of being fetched again as `name (2).jpg`.
 */
export async function adopted(s: SyncSession, photo: Photo): Promise<boolean> {
  const rel = plannedPath(photo);
  const ext = path.posix.extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? rel : `${stem} (${n})${ext}`;
    const stat = fs.statSync(path.join(s.root, candidate), { throwIfNoEntry: false });
    if (!stat) return false;
    if (!stat.isFile() || stat.size !== photo.size || s.state.byPath(candidate)) continue;
    const bytes = await fsp.readFile(path.join(s.root, candidate)).catch(() => undefined);
    if (!bytes || sha(bytes) !== photo.sha256) continue;
    s.state.put({
      path: candidate,
      photoId: photo.id,
      sha256: photo.sha256,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      state: 'active',
    });
    return true;
  }
}
