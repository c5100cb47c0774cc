import type { Db } from '../adapters/db/database.ts';
import type { BlobStore } from '../adapters/blobs/blob-store.ts';
import type { Logger } from '../platform/logger.ts';
import type { BlobsStore } from './blobs.store.ts';

/**
 * Removes objects that an upload wrote but never recorded (the server died between storing the bytes and
 * committing the photo). Taking the intent row first makes a still-running upload fail instead of committing a
 * photo whose bytes are being removed.
 */
export async function recoverInterruptedUploads(
  deps: { db: Db; blobs: BlobStore; blobsDb: BlobsStore; log: Logger },
  before: number,
): Promise<number> {
  const stale = await deps.blobsDb.takeStaleIntents(deps.db, before);
  let removed = 0;
  for (const intent of stale) {
    if (!(await deps.blobsDb.has(deps.db, intent.sha256))) {
      await deps.blobs.delete(intent.blob_key);
      removed++;
    }
  }
  if (removed > 0) deps.log.info({ removed }, 'removed blobs of interrupted uploads');
  return removed;
}
