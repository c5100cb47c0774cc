import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Db } from '../adapters/db/database.ts';
import { derivativeKey, originalKey, type BlobStore } from '../adapters/blobs/blob-store.ts';
import {
  detectMediaType,
  refineTiffType,
  renderDerivatives,
  type MediaType,
} from '../adapters/media/index.ts';
import type { EventBus } from '../platform/events.ts';
import type { Metrics } from '../platform/metrics.ts';

export interface DerivativesJobDeps {
  db: Db;
  blobs: BlobStore;
  events: EventBus;
  metrics: Metrics;
  scratchDir: string;
}

export interface DerivativesPayload {
  sha256: string;
}

/**
 * Makes the thumbnail and preview of one original. A file the decoder cannot read is not an error to retry: the
 * photo is marked with the reason and keeps its original. Anything thrown (disk full, store down) is retried.
 */
export function createDerivativesJob({ db, blobs, events, metrics, scratchDir }: DerivativesJobDeps) {
  return async (payload: unknown): Promise<void> => {
    const { sha256 } = payload as DerivativesPayload;
    await fsp.mkdir(scratchDir, { recursive: true });
    const base = path.join(scratchDir, randomUUID());
    const out = { thumbnailPath: `${base}-thumbnail.jpg`, previewPath: `${base}-preview.jpg` };
    try {
      const result = await blobs.withLocalFile(originalKey(sha256), async (file) => {
        const type = await sniff(file);
        if (!type) return { ok: false as const, reason: 'The file is not an image format Shoebox can read.' };
        const orientation = await currentOrientation(db, sha256);
        return renderDerivatives({ path: file, type, orientation }, out);
      });
      if (result.ok) {
        await blobs.importFile(out.thumbnailPath, derivativeKey(sha256, 'thumbnail'));
        await blobs.importFile(out.previewPath, derivativeKey(sha256, 'preview'));
        await db
          .updateTable('photos')
          .set({ media_state: 'ready', media_note: null })
          .where('sha256', '=', sha256)
          .execute();
        events.emit('media.ready', { sha256 });
      } else {
        metrics.thumbnailFailures.inc();
        await db
          .updateTable('photos')
          .set({ media_state: 'failed', media_note: result.reason })
          .where('sha256', '=', sha256)
          .execute();
        events.emit('media.failed', { sha256, reason: result.reason });
      }
    } finally {
      await fsp.rm(out.thumbnailPath, { force: true });
      await fsp.rm(out.previewPath, { force: true });
    }
  };
}

async function sniff(file: string): Promise<MediaType | null> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const type = detectMediaType(head.subarray(0, bytesRead));
    // DNG and other TIFF-based RAW files look like TIFF in their first bytes; their previews live elsewhere.
    return type ? await refineTiffType(file, type) : null;
  } finally {
    await handle.close();
  }
}

async function currentOrientation(db: Db, sha256: string): Promise<number | null> {
  const row = await db
    .selectFrom('photos')
    .select('orientation')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row?.orientation ?? null;
}
