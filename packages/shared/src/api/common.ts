import { z } from 'zod';

/** Control characters (C0, DEL, C1) and the Unicode controls that reorder how text is shown. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const shows = (s: string) => !HIDDEN.test(s);
const HIDDEN_MESSAGE = 'must be text that shows what it says: no control or text-direction characters';

/**
 * A name people read on other screens (a device, an album, a person): one line, without the characters that could
 * make it show something else (a device calling itself "laptop (trusted)" over its own line in a terminal).
 */
export const shownName = (max: number) =>
  z.string().trim().min(1).max(max).refine(shows, { message: HIDDEN_MESSAGE });
/** Like shownName, for a detail that may be empty (a model, an OS version, a serial). */
export const shownText = (max: number) => z.string().max(max).refine(shows, { message: HIDDEN_MESSAGE });

/** RFC 9457 problem document; every error of the API has this shape and a stable `code`. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string().optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** An approximate place derived from an IP address. */
export const Place = z
  .object({
    label: z.string(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    country: z.string().nullable(),
    countryCode: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    accuracyKm: z.number().nullable(),
  })
  .meta({ id: 'Place' });
export type Place = z.infer<typeof Place>;

export const Id = z.string().min(1).max(64);
export const Timestamp = z.iso.datetime().meta({ description: 'UTC time, ISO 8601' });
