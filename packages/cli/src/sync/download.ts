import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Photo } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { TEMP_DIR, freePath, photoTime, plannedPath } from './layout.ts';
import type { SyncSession } from './session.ts';
import type { FileRecord } from './state-db.ts';

/**
 * Photos up to this size travel in batches (see fetch.ts) and are held whole in memory on the way; larger ones
 * are fetched alone and streamed to disk.
 */
export const WHOLE_BELOW = 16 * 1024 * 1024;

export const tempPath = (s: SyncSession, photo: Photo) => path.join(s.root, TEMP_DIR, `${photo.id}.part`);

/**
 * One photo alone, streamed into the hidden temp folder, checked, made durable and moved into place (the large
 * ones, and the fallback). The scan never sees a half-written file.
 */
export async function download(s: SyncSession, photo: Photo): Promise<string> {
  const temp = tempPath(s, photo);
  await fsp.mkdir(path.dirname(temp), { recursive: true });
  const response = await s.client.request<Response>('GET', `/photos/${photo.id}/original`, { raw: true });
  if (!response.body) throw new CliError(`No content for photo ${photo.id}.`);
  if (photo.size <= WHOLE_BELOW) {
    // Read whole and written in one call: a stream of 64 KiB chunks through Web and Node streams costs more
    // than the bytes for a photo of a few MB.
    const bytes = Buffer.from(await response.arrayBuffer());
    if (createHash('sha256').update(bytes).digest('hex') !== photo.sha256) throw damaged(photo);
    await writeTemp(s, photo, bytes);
  } else {
    const sha256 = await writeStreamed(response.body, temp);
    if (sha256 !== photo.sha256) {
      await fsp.rm(temp, { force: true });
      throw damaged(photo);
    }
    await settleTemp(temp, photo);
  }
  const [record] = await placeAll(s, [photo]);
  return (record as FileRecord).path;
}

export const damaged = (photo: Photo) =>
  new CliError(
    `Photo ${photo.id} arrived damaged (SHA-256 mismatch); it will be fetched again.`,
    1,
    'http_error',
  );

/** Writes checked bytes to the photo's temp file with its capture time, durably (fsync) before it is moved. */
export async function writeTemp(s: SyncSession, photo: Photo, bytes: Buffer): Promise<void> {
  const handle = await fsp.open(tempPath(s, photo), 'w');
  try {
    await handle.writeFile(bytes);
    const time = photoTime(photo);
    await handle.utimes(time, time);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function settleTemp(temp: string, photo: Photo): Promise<void> {
  const time = photoTime(photo);
  const handle = await fsp.open(temp, 'r+');
  try {
    await handle.utimes(time, time);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves durable temp files into place, makes the renames durable (each folder synced once, not per file), then
 * records them all in one state transaction. A crash before the record leaves a file the next pass adopts (see
 * adopted in fetch.ts) rather than fetching it again beside itself.
 */
export async function placeAll(s: SyncSession, photos: readonly Photo[]): Promise<FileRecord[]> {
  const placed: { photo: Photo; rel: string }[] = [];
  const folders = new Set<string>();
  for (const photo of photos) {
    // Choosing the free name and renaming in one synchronous step: a batch placed beside this one cannot take
    // the same name in between (renaming over it would lose a photo).
    const folder = path.join(s.root, path.dirname(plannedPath(photo)));
    if (!folders.has(folder)) fs.mkdirSync(folder, { recursive: true });
    const rel = freePath(s.root, plannedPath(photo));
    fs.renameSync(tempPath(s, photo), path.join(s.root, rel));
    folders.add(folder);
    placed.push({ photo, rel });
  }
  await Promise.all([...folders].map(syncFolder));
  const records = await Promise.all(
    placed.map(async ({ photo, rel }): Promise<FileRecord> => {
      const stat = await fsp.stat(path.join(s.root, rel));
      return {
        path: rel,
        photoId: photo.id,
        sha256: photo.sha256,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        state: 'active',
      };
    }),
  );
  s.state.putAll(records);
  return records;
}

export async function syncFolder(folder: string): Promise<void> {
  const handle = await fsp.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeStreamed(body: ReadableStream<Uint8Array>, temp: string): Promise<string> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as never), hashing, fs.createWriteStream(temp));
  return hash.digest('hex');
}
