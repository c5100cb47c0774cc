import fsp from 'node:fs/promises';
import type { Db, Queryable } from '../adapters/db/database.ts';
import { derivativeKey, originalKey, type BlobStore } from '../adapters/blobs/blob-store.ts';
import { detectMediaType, refineTiffType, renderImages, type MediaType } from '../adapters/media/index.ts';
import type { JobOutcome } from '../jobs/job-runner.ts';
import type { EventBus } from '../platform/events.ts';
import type { Metrics } from '../platform/metrics.ts';

export interface DerivativesJobDeps {
  db: Db;
  blobs: BlobStore;
  events: EventBus;
  metrics: Metrics;
  /**
   * Photos decoded at once. Run more jobs than this so that while one job waits for its files and commit to reach
   * the disk, the next one is already decoding.
   */
  renderSlots: number;
}

export interface DerivativesPayload {
  sha256: string;
}

/**
 * Makes the thumbnail and preview of one original. A file the decoder cannot read is not an error to retry: the
 * photo is marked with the reason and keeps its original. Anything thrown (disk full, store down) is retried.
 * The photo's new media state is written in the transaction that completes the job.
 */
export function createDerivativesJob({ db, blobs, events, metrics, renderSlots }: DerivativesJobDeps) {
  const slots = createSlots(renderSlots);
  return async (payload: unknown): Promise<JobOutcome> => {
    const { sha256 } = payload as DerivativesPayload;
    const result = await blobs.withLocalFile(originalKey(sha256), async (file) => {
      const type = await sniff(file);
      if (!type) return { ok: false as const, reason: 'The file is not an image format Shoebox can read.' };
      const orientation = await currentOrientation(db, sha256);
      return slots.run(() => renderImages({ path: file, type, orientation }), slotsFor(type, renderSlots));
    });
    if (!result.ok) {
      const { reason } = result;
      return {
        write: (trx) => setMediaState(trx, sha256, 'failed', reason),
        committed() {
          metrics.thumbnailFailures.inc();
          events.emit('media.failed', { sha256, reason });
        },
      };
    }
    await blobs.writeAll([
      { key: derivativeKey(sha256, 'thumbnail'), data: result.thumbnail },
      { key: derivativeKey(sha256, 'preview'), data: result.preview },
    ]);
    return {
      write: (trx) => setMediaState(trx, sha256, 'ready', null),
      committed: () => events.emit('media.ready', { sha256 }),
    };
  };
}

async function setMediaState(
  trx: Queryable,
  sha256: string,
  state: 'ready' | 'failed',
  note: string | null,
): Promise<void> {
  await trx
    .updateTable('photos')
    .set({ media_state: state, media_note: note })
    .where('sha256', '=', sha256)
    .execute();
}

/**
 * Decode slots a photo takes. HEIC may need the WebAssembly decoder, 60-100 MB for a 12 MP photo, single-threaded
 * and about a second of CPU: it takes all slots but one, so that its memory adds up with one other decode at
 * most, while that one keeps the other cores busy. (Taking them all left a core idle for every HEIC: ~5 of the
 * ~30 core-seconds of the ingest bench on 2 cores.) One WebAssembly decoder serves the process, so HEIC photos
 * never decode side by side anyway.
 */
export function slotsFor(type: MediaType, renderSlots: number): number {
  return type.family === 'heif' ? Math.max(1, renderSlots - 1) : 1;
}

/**
 * A counting semaphore of `size` slots, handed out in order of request. A call may take several slots (up to
 * all of them), e.g. to run alone.
 */
function createSlots(size: number) {
  const total = Math.max(1, size);
  let free = total;
  const waiting: { count: number; grant: () => void }[] = [];
  const grantWaiting = () => {
    while (waiting[0] && waiting[0].count <= free) {
      const next = waiting.shift() as (typeof waiting)[number];
      free -= next.count;
      next.grant();
    }
  };
  return {
    async run<T>(work: () => Promise<T>, wanted = 1): Promise<T> {
      const count = Math.min(total, Math.max(1, wanted));
      await new Promise<void>((grant) => {
        waiting.push({ count, grant });
        grantWaiting();
      });
      try {
        return await work();
      } finally {
        free += count;
        grantWaiting();
      }
    },
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
