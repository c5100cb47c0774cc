import fs from 'node:fs';
import path from 'node:path';
import type { Photo, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { download } from './download.ts';
import { TRASH_DIR, moveInside } from './layout.ts';
import { trace, type SyncSession } from './session.ts';
import { WorkPool, ndjsonLines } from './stream.ts';

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
    if (page.changes.length > 0) trace(s, `page ${page.changes.length}`);
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

/** Snapshot photos written per state-database transaction as they stream in, and read back per page. */
const SNAPSHOT_BATCH = 500;

/**
 * Reads the snapshot as a stream into the state database (memory stays flat however large the library), then
 * applies it from there, PARALLEL photos at a time. Only once every photo is applied are the files it did not name
 * trashed locally and the snapshot acknowledged; a restart in between reads it again (nothing is fetched twice:
 * the files already downloaded are in the state database).
 */
async function readSnapshot(s: SyncSession): Promise<void> {
  const response = await s.client.request<Response>('GET', '/sync/snapshot', { raw: true });
  if (!response.body) throw new CliError('The snapshot came without a body.', 1, 'unreachable');
  s.state.beginSnapshot();
  let batch: { id: string; body: string }[] = [];
  let end: Extract<SnapshotLine, { type: 'end' }> | undefined;
  for await (const line of ndjsonLines<SnapshotLine>(response.body)) {
    if (line.type === 'photo') {
      batch.push({ id: line.photo.id, body: JSON.stringify(line.photo) });
      if (batch.length >= SNAPSHOT_BATCH) {
        s.state.addSnapshotPhotos(batch);
        batch = [];
      }
    } else if (line.type === 'end') end = line;
  }
  s.state.addSnapshotPhotos(batch);
  // Without its end line the stream was cut short: nothing is concluded from what is missing from it.
  if (!end) throw new CliError('The snapshot ended early.', 1, 'unreachable');
  const pool = new WorkPool(PARALLEL);
  for (let after = 0; ;) {
    const rows = s.state.snapshotPage(after, SNAPSHOT_BATCH);
    for (const row of rows) {
      const photo = JSON.parse(row.body) as Photo;
      await pool.run(() => applyPhoto(s, photo));
    }
    const last = rows.at(-1);
    if (!last || rows.length < SNAPSHOT_BATCH) break;
    after = last.seq;
  }
  await pool.drain();
  for (const record of s.state.activeNotInSnapshot()) if (record.photoId) removedRemotely(s, record.photoId);
  s.state.endSnapshot();
  s.state.cursor = end.cursor;
  await s.client.request('POST', '/sync/ack', {
    json: { cursor: end.cursor, kind: 'snapshot', count: end.photos + end.albums },
  });
}

/** Downloads at once: one at a time leaves the link idle between small files (request, hash, rename). */
const PARALLEL = 4;

/** Runs `apply` over `items`, PARALLEL at a time (see WorkPool: the first failure stops new work). */
async function inParallel<T>(items: readonly T[], apply: (item: T) => Promise<void>): Promise<void> {
  const pool = new WorkPool(PARALLEL);
  for (const item of items) await pool.run(() => apply(item));
  await pool.drain();
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
