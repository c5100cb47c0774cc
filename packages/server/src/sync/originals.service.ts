import type { OriginalHeader } from '@shoebox/shared';
import { originalKey, type BlobStore } from '../adapters/blobs/blob-store.ts';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../platform/principal.ts';
import type { OriginalsStore } from './originals.store.ts';

export interface OriginalsServiceDeps {
  db: Db;
  store: OriginalsStore;
  blobs: Pick<BlobStore, 'read'>;
}

/**
 * Many originals in one answer, for a device catching up: one request per file costs a round trip, a query and
 * the HTTP machinery each, which for 110 KB photos is more than the bytes. Who may download what is decided here
 * once for the whole list, by the same rule as the single download.
 */
export function createOriginalsService({ db, store, blobs }: OriginalsServiceDeps) {
  return {
    /** Checked and looked up before anything is sent, so a refusal is a proper error response. */
    async open(actor: Principal, ids: readonly string[]): Promise<AsyncGenerator<Uint8Array>> {
      requireTrusted(actor);
      const visible = await store.visible(db, actor.account.id, [...new Set(ids)]);
      return frames(ids, visible, blobs);
    },
  };
}

export type OriginalsService = ReturnType<typeof createOriginalsService>;

async function* frames(
  ids: readonly string[],
  visible: Map<string, { sha256: string; size: number }>,
  blobs: Pick<BlobStore, 'read'>,
): AsyncGenerator<Uint8Array> {
  for (const id of ids) {
    const row = visible.get(id);
    if (!row) {
      yield header({ id, error: 'gone' });
      continue;
    }
    const source = blobs.read(originalKey(row.sha256));
    try {
      const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      // The first chunk is read before the header goes out: a blob that is not there becomes a `missing` frame
      // instead of a broken stream.
      let first: IteratorResult<Buffer>;
      try {
        first = await chunks.next();
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
        yield header({ id, error: 'missing' });
        continue;
      }
      yield header({ id, sha256: row.sha256, size: row.size });
      let sent = 0;
      for (let next = first; !next.done; next = await chunks.next()) {
        sent += next.value.length;
        yield next.value;
      }
      // The framing trusts the recorded size: a blob of another length must break the answer, not shift it.
      if (sent !== row.size)
        throw new AppError(
          'internal',
          `The stored original of photo ${id} has ${sent} bytes, not ${row.size}.`,
        );
    } finally {
      // An answer cut short (the device went away) must not leave the file open.
      source.destroy();
    }
  }
}

const encoder = new TextEncoder();
const header = (h: OriginalHeader) => encoder.encode(`${JSON.stringify(h)}\n`);
