import { z } from 'zod';
import { MediaState } from './photos.ts';

/** The most photos one timeline page may ask for. */
export const TIMELINE_MAX_LIMIT = 10_000;
export const TIMELINE_DEFAULT_LIMIT = 2_000;

/**
 * One page of the compact timeline: the few facts a client needs to lay out and sync 100,000 photos, as column
 * arrays (entry `i` of every array belongs to photo `i`), newest first. The full `Photo` is `GET /api/photos/{id}`.
 */
export const TimelinePage = z
  .object({
    ids: z.array(z.string()),
    /** The timeline's ordering time in epoch milliseconds (UTC). */
    sortTimes: z.array(z.number().int()),
    /**
     * Minutes to add to the sort time to get the camera's wall-clock time (so the local day of the photo), or null
     * when the file records no capture time and the sort time is the upload time.
     */
    wallOffsets: z.array(z.number().int().nullable()),
    /** Pixel size as stored in the file, before `orientations` turns it. */
    widths: z.array(z.number().int().nullable()),
    heights: z.array(z.number().int().nullable()),
    /** EXIF orientation (1–8); 5–8 swap width and height on screen. */
    orientations: z.array(z.number().int().nullable()),
    /** Whether the thumbnail and preview exist yet. */
    media: z.array(MediaState),
    /** The media types that occur in this page, each once; `mimeIndexes` point into it. */
    mimeTypes: z.array(z.string()),
    mimeIndexes: z.array(z.number().int()),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({
    id: 'TimelinePage',
    description:
      'Active photos only (trashed ones are in `GET /api/photos?status=trashed`). Entry i of every array describes the same photo.',
  });
export type TimelinePage = z.infer<typeof TimelinePage>;
