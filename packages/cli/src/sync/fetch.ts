import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { OriginalsRequest, Photo } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { WHOLE_BELOW, damaged, download, placeAll, writeTemp } from './download.ts';
import { TEMP_DIR, plannedPath } from './layout.ts';
import { originalFrames } from './originals.ts';
import { arrivals, requestOriginals } from './originals-request.ts';
import type { SyncSession } from './session.ts';
import { WorkPool } from './stream.ts';

/** Requests in flight: enough to keep the link busy while each batch is hashed, written and synced. */
const STREAMS = 4;
/** Per request: a round trip per few dozen small photos, a few large ones, and bounded memory (STREAMS × this). */
const BATCH_PHOTOS = 128;
const BATCH_BYTES = 16 * 1024 * 1024;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Fetches photos into the folder, many per request (`POST /sync/originals`), STREAMS requests at a time. Every
 * file is checked against its SHA-256 and durable before it is recorded. Returns the ids the server no longer
 * lets this device have (trashed or unshared meanwhile): the caller reads the feed again for their news.
 */
export async function fetchAll(s: SyncSession, photos: readonly Photo[]): Promise<string[]> {
  if (photos.length === 0) return [];
  await fsp.mkdir(path.join(s.root, TEMP_DIR), { recursive: true });
  const gone: string[] = [];
  const pool = new WorkPool(STREAMS);
  for (const batch of batches(photos)) {
    const [first] = batch;
    if (batch.length === 1 && first && first.size > WHOLE_BELOW)
      await pool.run(async () => {
        const rel = await download(s, first);
        s.report.downloaded++;
        s.note(`downloaded ${rel}`);
      });
    else await pool.run(async () => void gone.push(...(await fetchBatch(s, batch))));
  }
  await pool.drain();
  return gone;
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

async function fetchBatch(s: SyncSession, batch: readonly Photo[]): Promise<string[]> {
  const byId = new Map(batch.map((p) => [p.id, p]));
  const request: OriginalsRequest = { ids: batch.map((p) => p.id) };
  const response = await requestOriginals(s.client, request);
  const gone: string[] = [];
  const written = new Set<string>();
  const writes: Promise<void>[] = [];
  try {
    for await (const frame of originalFrames(arrivals(response), WHOLE_BELOW)) {
      const photo = byId.get(frame.header.id);
      if (!photo)
        throw new CliError(
          `The server sent photo ${frame.header.id}, which was not asked for.`,
          1,
          'http_error',
        );
      if (!('bytes' in frame)) {
        if (frame.header.error === 'missing')
          throw new CliError(`The server has lost the original of photo ${photo.id}.`, 1, 'internal');
        gone.push(photo.id);
        continue;
      }
      if (frame.header.sha256 !== photo.sha256 || sha(frame.bytes) !== photo.sha256) throw damaged(photo);
      // Written while the next photos arrive; made durable before anything is moved or recorded.
      writes.push(writeTemp(s, photo, frame.bytes).then(() => void written.add(photo.id)));
    }
  } finally {
    await Promise.allSettled(writes);
  }
  await Promise.all(writes);
  const records = await placeAll(
    s,
    batch.filter((p) => written.has(p.id)),
  );
  for (const record of records) {
    s.report.downloaded++;
    s.note(`downloaded ${record.path}`);
  }
  return gone;
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
