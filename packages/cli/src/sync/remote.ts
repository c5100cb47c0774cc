import fs from 'node:fs';
import path from 'node:path';
import type { Photo, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { adopted, fetchAll } from './fetch.ts';
import { TEMP_DIR, TRASH_DIR, moveInside } from './layout.ts';
import { trace, type SyncSession } from './session.ts';
import { ndjsonLines } from './stream.ts';

/**
 * Brings the folder up to the server's state: a full snapshot the first time (or when the server says the
 * cursor is too old), the change feed after that. Each applied page is acknowledged.
 */
export async function pullRemote(s: SyncSession): Promise<void> {
  // Left by a pass that was cut short: each is fetched again whole (downloads only ever run inside a pass).
  fs.rmSync(path.join(s.root, TEMP_DIR), { recursive: true, force: true });
  if (!s.state.cursor) await readSnapshot(s);
  /** The page after the one being applied, asked for while its photos download (one round trip less each). */
  let ahead: { after: string | undefined; page: Promise<SyncChangesPage> } | undefined;
  for (let rereads = 0; ;) {
    let page: SyncChangesPage;
    try {
      const after = s.state.cursor;
      page = await (ahead && ahead.after === after ? ahead.page : readPage(s, after));
    } catch (err) {
      if (!(err instanceof CliError && err.code === 'cursor_reset')) throw err;
      s.note('the server asked for a full resync');
      await readSnapshot(s);
      continue;
    } finally {
      ahead = undefined;
    }
    if (page.hasMore) {
      ahead = { after: page.cursor, page: readPage(s, page.cursor) };
      ahead.page.catch(() => {}); // its failure is met when it is awaited (or it is dropped unread)
    }
    if (page.changes.length > 0) trace(s, `page ${page.changes.length}`);
    // Albums are not mirrored as folders (yet). Each photo appears once per page.
    const gone = await applyAll(
      s,
      page.changes
        .filter((change) => change.type === 'photo')
        .map((c) => (c.op === 'delete' ? c.entityId : (c.photo ?? c.entityId))),
    );
    if (gone.length > 0) {
      // Trashed or unshared since the page was read: the page is read again from the same cursor, where the feed
      // now shows them at their latest change. Acknowledging this one would record deliveries that did not happen.
      if (++rereads > 3) throw notSent(gone);
      continue;
    }
    rereads = 0;
    s.state.saveCursorDurably(page.cursor);
    if (page.changes.length > 0)
      await s.client.request('POST', '/sync/ack', {
        json: { cursor: page.cursor, kind: 'changes', count: page.changes.length },
      });
    if (!page.hasMore) return;
  }
}

const readPage = (s: SyncSession, cursor: string | undefined) =>
  s.client.request<SyncChangesPage>('GET', '/sync/changes', { query: { cursor, limit: PAGE } });

/** Feed page size: the largest the server gives, so a catch-up costs few round trips and acknowledgements. */
const PAGE = 1000;

const notSent = (ids: readonly string[]) =>
  new CliError(
    `The server did not send ${ids.length} photo(s) the feed lists; retrying later.`,
    1,
    'unavailable',
  );

/**
 * Applies photos (or the ids of deleted ones): trash, restore and removal at once, then every download the
 * folder needs, many per request. Returns the ids the server would not send.
 */
async function applyAll(s: SyncSession, items: readonly (Photo | string)[]): Promise<string[]> {
  const wanted: Photo[] = [];
  for (const item of items) {
    if (typeof item === 'string') removedRemotely(s, item);
    else if (await needsDownload(s, item)) wanted.push(item);
  }
  return fetchAll(s, wanted);
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
  for (let after = 0; ;) {
    const rows = s.state.snapshotPage(after, SNAPSHOT_BATCH);
    const gone = await applyAll(
      s,
      rows.map((row) => JSON.parse(row.body) as Photo),
    );
    // Gone since the snapshot was taken: the snapshot is read again on the next pass (the files fetched so far
    // are recorded, so nothing is fetched twice), rather than acknowledged with photos it did not deliver.
    if (gone.length > 0) throw notSent(gone);
    const last = rows.at(-1);
    if (!last || rows.length < SNAPSHOT_BATCH) break;
    after = last.seq;
  }
  for (const record of s.state.activeNotInSnapshot()) if (record.photoId) removedRemotely(s, record.photoId);
  s.state.endSnapshot();
  s.state.saveCursorDurably(end.cursor);
  await s.client.request('POST', '/sync/ack', {
    json: { cursor: end.cursor, kind: 'snapshot', count: end.photos + end.albums },
  });
}

/**
 * Makes the folder agree with one photo's server state as far as it can without the network: in
 * `.shoebox-trash`, brought back, or already there. True when its file must be fetched.
 */
async function needsDownload(s: SyncSession, photo: Photo): Promise<boolean> {
  const record = s.state.byPhoto(photo.id) ?? s.state.bySha(photo.sha256);
  if (photo.status === 'trashed') {
    if (record?.state === 'active') removedRemotely(s, photo.id);
    return false;
  }
  if (record?.state === 'active') {
    if (!record.photoId) s.state.put({ ...record, photoId: photo.id });
    return false;
  }
  if (record?.state === 'trashed' && fs.existsSync(path.join(s.root, record.path))) {
    const back = moveInside(s.root, record.path, record.path.slice(TRASH_DIR.length + 1));
    s.state.move(record.path, { ...record, photoId: photo.id, path: back, state: 'active' });
    s.report.restored++;
    s.note(`restored   ${back}`);
    return false;
  }
  if (record) s.state.remove(record.path);
  return !(await adopted(s, photo));
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
