import { z } from 'zod';

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
