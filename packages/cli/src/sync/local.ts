import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { UPLOAD_HEADERS, type ExistsResponse, type Photo, type UploadResult } from '@shoebox/shared';
import { PHOTO_EXTENSIONS, sha256File } from '../files.ts';
import { CliError } from '../output.ts';
import { jpegComplete } from './jpeg-complete.ts';
import { relative } from './layout.ts';
import { isTransient } from './transient.ts';
import { trace, type SyncSession } from './session.ts';

/** A file modified this recently may still be being written (a camera import, a copy): it waits a pass. */
export const SETTLE_MS = 1000;
/** …unless it already ends the way a whole PNG ends: then it only has to have been still this long. */
export const QUIET_MS = 50;
/**
 * Files up to this size are read once into memory, then checked, hashed and sent from there: reading a photo
 * twice (hash, then upload) sat on the propagation path. Larger ones are hashed and then streamed from disk.
 */
const IN_MEMORY_MAX = 32 * 1024 * 1024;

/**
 * Uploads new and changed files and turns local deletions into server trash. Returns in how many ms the first
 * file that was still being written should be looked at again (Infinity when none was), so the caller can
 * come back for it.
 */
export async function pushLocal(s: SyncSession): Promise<number> {
  let next = Infinity;
  const seen = new Set<string>();
  for (const file of await walk(s.root)) {
    const rel = relative(s.root, file);
    seen.add(rel);
    const stat = await fsp.stat(file).catch(() => undefined);
    if (!stat) continue;
    const known = s.state.byPath(rel);
    // Size and mtime unchanged: the file is what was hashed before, so it is not read again.
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) continue;
    const ready = await readiness(file, stat);
    if ('wait' in ready) {
      next = Math.min(next, ready.wait);
      continue;
    }
    try {
      await uploadFile(s, rel, file, stat, ready);
      // Edited in place: the old version goes to the server's trash (restorable there); left active, it
      // would come back down beside the new one as "name (2).jpg".
      const now = s.state.byPath(rel);
      if (known?.photoId && now?.photoId && now.photoId !== known.photoId)
        await trashRemote(s, known.photoId);
    } catch (err) {
      if (isTransient(err)) throw err;
      s.report.errors.push(`${rel}: ${(err as Error).message}`);
    }
  }
  for (const record of s.state.all('active')) {
    if (seen.has(record.path) || fs.existsSync(path.join(s.root, record.path))) continue;
    // Deleted here: the photo goes to the server's trash (recoverable there), never straight to deletion.
    // A file moved inside the folder is found again at its new path (same SHA-256, same photo): not a deletion.
    if (record.photoId && !s.state.heldElsewhere(record.photoId, record.path)) {
      await trashRemote(s, record.photoId);
      s.note(`trashed on the server  ${record.path}`);
    }
    s.state.remove(record.path);
  }
  return next;
}

const PNG_END = Buffer.from('0000000049454e44ae426082', 'hex');

/** A file that may be sent now (with its bytes when they were read to prove it whole), or how long to wait. */
export type Readiness = { wait: number } | { fresh: boolean; bytes?: Buffer };

/**
 * Whether a file is whole, so that a half-written one is never sent. One not modified for SETTLE_MS is taken as
 * whole. A fresh JPEG is sent at once when its structure proves it whole (jpegComplete: every segment chains to
 * the end-of-image marker and nothing is missing after it) and its size and time did not move while it was
 * read; a fresh PNG that ends with its IEND chunk once it has been still for QUIET_MS; anything else (HEIC,
 * RAW…, or a JPEG this cannot vouch for) after the full settle time. A writer still at work also pokes the
 * watcher, so the pass after its last write looks again.
 */
export async function readiness(file: string, stat: fs.Stats): Promise<Readiness> {
  const age = Date.now() - stat.mtimeMs;
  // A time well in the future was set on purpose (a copy keeping the camera's time), not by a writer at work.
  // One a fraction of a millisecond ahead is a write this instant: Date.now() is whole milliseconds, and the
  // file's time is finer (taken as "set on purpose", that sent half-written files).
  if (age >= SETTLE_MS || age < -SETTLE_MS) return { fresh: false };
  const settle = { wait: SETTLE_MS - Math.max(0, age) };
  if (stat.size < PNG_END.length) return settle;
  const tail = Buffer.alloc(PNG_END.length);
  const handle = await fsp.open(file, 'r').catch(() => undefined);
  if (!handle) return settle;
  try {
    await handle.read(tail, 0, tail.length, stat.size - tail.length);
  } finally {
    await handle.close();
  }
  if (tail.equals(PNG_END)) return age >= QUIET_MS ? { fresh: true } : { wait: QUIET_MS - Math.max(0, age) };
  if (tail[10] !== 0xff || tail[11] !== 0xd9 || stat.size > IN_MEMORY_MAX) return settle;
  const bytes = await fsp.readFile(file).catch(() => undefined);
  const after = await fsp.stat(file).catch(() => undefined);
  if (!bytes || !after || !unchanged(stat, after) || bytes.length !== stat.size) return settle;
  return jpegComplete(bytes) ? { fresh: true, bytes } : settle;
}

const unchanged = (a: fs.Stats, b: fs.Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs;

async function trashRemote(s: SyncSession, photoId: string): Promise<void> {
  await s.client.request<Photo>('POST', `/photos/${photoId}/trash`).catch((err: unknown) => {
    // Deleted for good meanwhile: as gone as trashed.
    if (!(err instanceof CliError && err.code === 'not_found')) throw err;
  });
  s.report.trashedRemote++;
}

async function uploadFile(
  s: SyncSession,
  rel: string,
  file: string,
  stat: fs.Stats,
  ready: { fresh: boolean; bytes?: Buffer },
): Promise<void> {
  const bytes = ready.bytes ?? (stat.size <= IN_MEMORY_MAX ? await fsp.readFile(file) : undefined);
  const sha256 = bytes ? createHash('sha256').update(bytes).digest('hex') : await sha256File(file);
  const after = await fsp.stat(file);
  // Changed while read: still being written; the next pass takes it.
  if (!unchanged(stat, after) || (bytes && bytes.length !== stat.size)) return;
  // A file written a moment ago is new far more often than not: asking the server first would only add a round
  // trip to its way to the other devices (and an upload of content the server has is answered `created: false`).
  const existing = ready.fresh
    ? {}
    : (
        await s.client.request<ExistsResponse>('POST', '/photos/exists', {
          json: { sha256: [sha256] },
        })
      ).existing;
  let photoId = existing[sha256] ?? null;
  if (!photoId) {
    trace(s, `upload ${rel}`);
    try {
      const result = await s.client.request<UploadResult>('POST', '/photos', {
        body: bytes ?? s.client.fileBody(file),
        headers: {
          [UPLOAD_HEADERS.sha256]: sha256,
          [UPLOAD_HEADERS.fileName]: encodeURIComponent(path.basename(file)),
          [UPLOAD_HEADERS.fileModified]: new Date(stat.mtimeMs).toISOString(),
        },
      });
      photoId = result.photo.id;
      if (result.created) {
        s.report.uploaded++;
        s.note(`uploaded   ${rel}`);
      }
    } catch (err) {
      // The server going away mid-upload is not a refusal: the file must be tried again, not remembered.
      if (isTransient(err)) throw err;
      // Refused (not a photo, too big…): remembered with no photo id, so it is retried only once it changes.
      s.report.errors.push(`${rel}: ${(err as Error).message}`);
      s.note(`not uploaded  ${rel}: ${(err as Error).message}`);
    }
  }
  s.state.put({ path: rel, photoId, sha256, size: stat.size, mtimeMs: stat.mtimeMs, state: 'active' });
}

/** Photo files under `root`, skipping dot-entries (which hides the agent's own trash and temp folders). */
async function walk(root: string, into: string[] = []): Promise<string[]> {
  const entries = await fsp.readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) await walk(full, into);
    else if (entry.isFile() && PHOTO_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) into.push(full);
  }
  return into;
}
