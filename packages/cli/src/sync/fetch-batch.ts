import type { OriginalsRequest, Photo } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { damaged, placeAll } from './download.ts';
import { OriginalsReader } from './originals.ts';
import { arrivals, requestOriginals } from './originals-request.ts';
import type { SyncSession } from './session.ts';
import { TempFileWriter } from './temp-file.ts';

/**
 * One `POST /sync/originals` request: each photo is streamed into its temp file as it arrives (hashed in the same
 * pass), checked against its SHA-256 and made durable; then the whole batch is moved into place and recorded at
 * once. Returns the ids the server would not send (trashed or unshared meanwhile).
 */
export async function fetchBatch(s: SyncSession, batch: readonly Photo[]): Promise<string[]> {
  const byId = new Map(batch.map((p) => [p.id, p]));
  const request: OriginalsRequest = { ids: batch.map((p) => p.id) };
  const reader = new OriginalsReader(arrivals(await requestOriginals(s.client, request)));
  const gone: string[] = [];
  const written = new Set<string>();
  // Each photo's fsync runs while the next photos arrive; all are durable before anything is moved or recorded.
  const syncs: Promise<void>[] = [];
  try {
    for (let header = await reader.header(); header; header = await reader.header()) {
      const photo = byId.get(header.id);
      if (!photo)
        throw new CliError(`The server sent photo ${header.id}, which was not asked for.`, 1, 'http_error');
      if ('error' in header) {
        if (header.error === 'missing')
          throw new CliError(`The server has lost the original of photo ${photo.id}.`, 1, 'internal');
        gone.push(photo.id);
        continue;
      }
      // The framing trusts the announced size: one the feed did not list is refused before any byte is written.
      if (header.sha256 !== photo.sha256 || header.size !== photo.size) throw damaged(photo);
      const file = TempFileWriter.open(s, photo);
      try {
        for await (const chunk of reader.bytes(header.size)) await file.add(chunk);
      } catch (err) {
        await file.discard();
        throw err;
      }
      if (file.sha256() !== photo.sha256) {
        await file.discard();
        throw damaged(photo);
      }
      syncs.push(file.finish(photo).then(() => void written.add(photo.id)));
    }
  } finally {
    await reader.close();
    await Promise.allSettled(syncs);
  }
  await Promise.all(syncs);
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
