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

/** Photos noted as seen per state-database transaction while a snapshot streams in. */
const SEEN_BATCH = 500;

/**
 * Streams the snapshot and applies photos as they arrive (PARALLEL at a time), so the agent's memory does not grow
 * with the library; the photos it names are noted in the state database, not in memory.
 */
async function readSnapshot(s: SyncSession): Promise<void> {
  const response = await s.client.request<Response>('GET', '/sync/snapshot', { raw: true });
  if (!response.body) throw new CliError('The snapshot came without a body.', 1, 'unreachable');
  s.state.beginSnapshot();
  const pool = new WorkPool(PARALLEL);
  let seen: string[] = [];
  let end: Extract<SnapshotLine, { type: 'end' }> | undefined;
  for await (const line of ndjsonLines<SnapshotLine>(response.body)) {
    if (line.type === 'photo') {
      const photo = line.photo;
      seen.push(photo.id);
      if (seen.length >= SEEN_BATCH) {
        s.state.markSeen(seen);
        seen = [];
      }
      await pool.run(() => applyPhoto(s, photo));
    } else if (line.type === 'end') end = line;
  }
  s.state.markSeen(seen);
  await pool.drain();
  // Without its end line the stream was cut short: nothing is concluded from what is missing from it.
  if (!end) throw new CliError('The snapshot ended early.', 1, 'unreachable');
  for (const record of s.state.activeNotSeen()) if (record.photoId) removedRemotely(s, record.photoId);
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
