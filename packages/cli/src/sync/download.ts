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

/**
 * Photos up to this size are read whole and written in one call: a stream of 64 KiB chunks through Web and Node
 * streams costs more than the bytes (most photos are a few MB). With 4 downloads at a time that bounds the
 * memory held to 4 × this.
 */
const WHOLE_BELOW = 16 * 1024 * 1024;

/**
 * Downloads into a hidden temp folder, checks the SHA-256, then renames into place: the scan never sees a
 * half-written file, and a cut connection leaves nothing behind that looks like a photo.
 */
export async function download(s: SyncSession, photo: Photo): Promise<string> {
  const temp = path.join(s.root, TEMP_DIR, `${photo.id}.part`);
  await fsp.mkdir(path.dirname(temp), { recursive: true });
  const response = await s.client.request<Response>('GET', `/photos/${photo.id}/original`, { raw: true });
  if (!response.body) throw new CliError(`No content for photo ${photo.id}.`);
  const sha256 =
    photo.size <= WHOLE_BELOW ? await writeWhole(response, temp) : await writeStreamed(response.body, temp);
  if (sha256 !== photo.sha256) {
    await fsp.rm(temp, { force: true });
    throw new CliError(`Photo ${photo.id} arrived damaged (SHA-256 mismatch); it will be fetched again.`);
  }
  const time = photoTime(photo);
  await fsp.utimes(temp, time, time);
  // Choosing the free name and renaming in one synchronous step: a download running beside this one cannot take
  // the same name in between (renaming over it would lose a photo).
  fs.mkdirSync(path.join(s.root, path.dirname(plannedPath(photo))), { recursive: true });
  const rel = freePath(s.root, plannedPath(photo));
  fs.renameSync(temp, path.join(s.root, rel));
  return recorded(s, photo, rel);
}

async function recorded(s: SyncSession, photo: Photo, rel: string): Promise<string> {
  const stat = await fsp.stat(path.join(s.root, rel));
  s.state.put({
    path: rel,
    photoId: photo.id,
    sha256: photo.sha256,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    state: 'active',
  });
  return rel;
}

async function writeWhole(response: Response, temp: string): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  await fsp.writeFile(temp, bytes);
  return createHash('sha256').update(bytes).digest('hex');
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
