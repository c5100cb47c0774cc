import fs from 'node:fs';
import path from 'node:path';
import type { Photo } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { adopted, type Fetcher } from './fetch.ts';
import { TRASH_DIR, moveInside } from './layout.ts';
import type { SyncSession } from './session.ts';

export const notSent = (ids: readonly string[]) =>
  new CliError(
    `The server did not send ${ids.length} photo(s) the feed lists; retrying later.`,
    1,
    'unavailable',
  );

/**
 * Applies photos (or the ids of deleted ones): trash, restore and removal at once, then starts every download the
 * folder needs, many per request; `done` settles with the ids the server would not send.
 */
export async function applyAll(
  s: SyncSession,
  fetcher: Fetcher,
  items: readonly (Photo | string)[],
): Promise<{ done: Promise<string[]> }> {
  const wanted: Photo[] = [];
  for (const item of items) {
    if (typeof item === 'string') removedRemotely(s, item);
    else if (await needsDownload(s, item)) wanted.push(item);
  }
  return fetcher.start(wanted);
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
export function removedRemotely(s: SyncSession, photoId: string): void {
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
