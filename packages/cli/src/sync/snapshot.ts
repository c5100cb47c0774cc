import type { Photo, SnapshotLine } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { applyAll, notSent, removedRemotely } from './apply.ts';
import type { Fetcher } from './fetch.ts';
import type { SyncSession } from './session.ts';
import { ndjsonLines } from './stream.ts';

/** Snapshot photos written per state-database transaction as they stream in, and read back per page. */
const SNAPSHOT_BATCH = 500;

/**
 * Reads the snapshot as a stream into the state database (memory stays flat however large the library), then
 * applies it from there, PARALLEL photos at a time. Only once every photo is applied are the files it did not name
 * trashed locally and the snapshot acknowledged; a restart in between reads it again (nothing is fetched twice:
 * the files already downloaded are in the state database).
 */
export async function readSnapshot(s: SyncSession, fetcher: Fetcher): Promise<void> {
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
  // Each part's downloads start while the part before finishes (see Fetcher.touches for a photo named twice).
  const parts: Promise<string[]>[] = [];
  for (let after = 0; ;) {
    const rows = s.state.snapshotPage(after, SNAPSHOT_BATCH);
    const photos = rows.map((row) => JSON.parse(row.body) as Photo);
    if (fetcher.touches(photos)) await fetcher.drain();
    parts.push((await applyAll(s, fetcher, photos)).done);
    const last = rows.at(-1);
    if (!last || rows.length < SNAPSHOT_BATCH) break;
    after = last.seq;
  }
  const gone = (await Promise.all(parts)).flat();
  // Gone since the snapshot was taken: the snapshot is read again on the next pass (the files fetched so far
  // are recorded, so nothing is fetched twice), rather than acknowledged with photos it did not deliver.
  if (gone.length > 0) throw notSent(gone);
  for (const record of s.state.activeNotInSnapshot()) if (record.photoId) removedRemotely(s, record.photoId);
  s.state.endSnapshot();
  s.state.saveCursorDurably(end.cursor);
  await s.client.request('POST', '/sync/ack', {
    json: { cursor: end.cursor, kind: 'snapshot', count: end.photos + end.albums },
  });
}
