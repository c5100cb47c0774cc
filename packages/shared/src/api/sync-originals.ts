import { z } from 'zod';

/** Most originals one `POST /sync/originals` names: a page of the feed is applied in a few such requests. */
export const ORIGINALS_MAX_IDS = 500;

export const OriginalsRequest = z
  .object({ ids: z.array(z.string().min(1).max(64)).min(1).max(ORIGINALS_MAX_IDS) })
  .meta({ id: 'OriginalsRequest' });
export type OriginalsRequest = z.infer<typeof OriginalsRequest>;

/**
 * The media type of the answer: for each id asked for, in order, one JSON header line, then (for a photo sent)
 * exactly `size` bytes of the original. Framed rather than multipart so a reader needs no boundary search.
 */
export const ORIGINALS_TYPE = 'application/vnd.shoebox.originals';

/**
 * One header line. `gone`: the device may not see this photo (any more), or there is no such photo; the same
 * answer either way, so ids of other accounts' photos cannot be probed. `missing`: the server lost the bytes.
 */
export type OriginalHeader =
  { id: string; sha256: string; size: number } | { id: string; error: 'gone' | 'missing' };
