import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Photo, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { TEMP_DIR, TRASH_DIR, freePath, moveInside, photoTime, plannedPath } from './layout.ts';
import type { SyncSession } from './session.ts';

/**
 * Brings the folder up to the server's state: a full snapshot the first time (or when the server says the
 * cursor is too old), the change feed after that. Each applied page is acknowledged.
 */
export async function pullRemote(s: SyncSession): Promise<void> {
  if (!s.state.cursor) await readSnapshot(s);
  for (;;) {
    let page: SyncChangesPage;
    try {
      page = await s.client.request<SyncChangesPage>('GET', '/sync/changes', {
        query: { cursor: s.state.cursor, limit: 500 },
      });
    } catch (err) {
      if (!(err instanceof CliError && err.code === 'cursor_reset')) throw err;
      s.note('the server asked for a full resync');
      await readSnapshot(s);
      continue;
    }
    // Albums are not mirrored as folders (yet). Each photo appears once per page, so they apply side by side.
    await inParallel(
      page.changes.filter((change) => change.type === 'photo'),
      async (change) => {
        if (change.op === 'delete' || !change.photo) removedRemotely(s, change.entityId);
        else await applyPhoto(s, change.photo);
      },
    );
    s.state.cursor = page.cursor;
    if (page.changes.length > 0)
      await s.client.request('POST', '/sync/ack', {
        json: { cursor: page.cursor, kind: 'changes', count: page.changes.length },
      });
    if (!page.hasMore) return;
  }
}

async function readSnapshot(s: SyncSession): Promise<void> {
  const response = await s.client.request<Response>('GET', '/sync/snapshot', { raw: true });
  const lines = (await response.text()).split('\n').filter(Boolean);
  const present = new Set<string>();
  const photos: Photo[] = [];
  let end: Extract<SnapshotLine, { type: 'end' }> | undefined;
  for (const text of lines) {
    const line = JSON.parse(text) as SnapshotLine;
    if (line.type === 'photo') {
      present.add(line.photo.id);
      photos.push(line.photo);
    } else if (line.type === 'end') end = line;
  }
  await inParallel(photos, (photo) => applyPhoto(s, photo));
  // Without its end line the stream was cut short: nothing is concluded from what is missing from it.
  if (!end) throw new CliError('The snapshot ended early.', 1, 'unreachable');
  for (const record of s.state.all('active'))
    if (record.photoId && !present.has(record.photoId)) removedRemotely(s, record.photoId);
  s.state.cursor = end.cursor;
  await s.client.request('POST', '/sync/ack', {
    json: { cursor: end.cursor, kind: 'snapshot', count: end.photos + end.albums },
  });
}

/** Downloads at once: one at a time leaves the link idle between small files (request, hash, rename). */
const PARALLEL = 4;

/**
 * Runs `apply` over `items`, PARALLEL at a time. The first failure stops new work and is thrown once the
 * running ones end, so the cursor is not moved past anything that was not applied.
 */
async function inParallel<T>(items: readonly T[], apply: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      await apply(item).catch((err: unknown) => (failure ??= { err }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  if (failure) throw failure.err;
}

/** Makes the folder agree with one photo's server state: present, in `.shoebox-trash`, or brought back. */
async function applyPhoto(s: SyncSession, photo: Photo): Promise<void> {
  const record = s.state.byPhoto(photo.id) ?? s.state.bySha(photo.sha256);
  if (photo.status === 'trashed') {
    if (record?.state === 'active') removedRemotely(s, photo.id);
    return;
  }
  if (record?.state === 'active') {
    if (!record.photoId) s.state.put({ ...record, photoId: photo.id });
    return;
  }
  if (record?.state === 'trashed' && fs.existsSync(path.join(s.root, record.path))) {
    const back = moveInside(s.root, record.path, record.path.slice(TRASH_DIR.length + 1));
    s.state.move(record.path, { ...record, photoId: photo.id, path: back, state: 'active' });
    s.report.restored++;
    s.note(`restored   ${back}`);
    return;
  }
  if (record) s.state.remove(record.path);
  const rel = await download(s, photo);
  s.report.downloaded++;
  s.note(`downloaded ${rel}`);
}

/** Trashed or deleted on the server: the local copy moves to `.shoebox-trash/`, never straight to oblivion. */
function removedRemotely(s: SyncSession, photoId: string): void {
  const record = s.state.byPhoto(photoId);
  if (!record || record.state !== 'active') return;
  if (!fs.existsSync(path.join(s.root, record.path))) {
    s.state.remove(record.path);
    return;
  }
  const moved = moveInside(s.root, record.path, `${TRASH_DIR}/${record.path}`);
  s.state.move(record.path, { ...record, path: moved, state: 'trashed' });
  s.report.trashedLocal++;
  s.note(`trashed    ${record.path}`);
}

/**
 * Downloads into a hidden temp folder, checks the SHA-256, then renames into place: the scan never sees a
 * half-written file, and a cut connection leaves nothing behind that looks like a photo.
 */
async function download(s: SyncSession, photo: Photo): Promise<string> {
  const temp = path.join(s.root, TEMP_DIR, `${photo.id}.part`);
  fs.mkdirSync(path.dirname(temp), { recursive: true });
  const response = await s.client.request<Response>('GET', `/photos/${photo.id}/original`, { raw: true });
  if (!response.body) throw new CliError(`No content for photo ${photo.id}.`);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as never), hashing, fs.createWriteStream(temp));
  if (hash.digest('hex') !== photo.sha256) {
    fs.rmSync(temp, { force: true });
    throw new CliError(`Photo ${photo.id} arrived damaged (SHA-256 mismatch); it will be fetched again.`);
  }
  const time = photoTime(photo);
  fs.utimesSync(temp, time, time);
  const rel = freePath(s.root, plannedPath(photo));
  fs.mkdirSync(path.dirname(path.join(s.root, rel)), { recursive: true });
  fs.renameSync(temp, path.join(s.root, rel));
  const stat = fs.statSync(path.join(s.root, rel));
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
