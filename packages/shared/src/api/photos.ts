import { z } from 'zod';
import { Place } from './common.ts';

export const PhotoStatus = z.enum(['active', 'trashed']);
export const MediaState = z.enum(['pending', 'ready', 'failed']);

/** Facts recorded by the server when the photo arrived; never taken from the client. */
export const UploadProvenance = z
  .object({
    accountId: z.string(),
    deviceId: z.string(),
    deviceName: z.string().nullable(),
    deviceModel: z.string().nullable(),
    deviceSerial: z.string().nullable(),
    sessionId: z.string(),
    uploadedAt: z.string(),
    ip: z.string().nullable(),
    place: Place.nullable(),
  })
  .meta({ id: 'UploadProvenance' });

/** What the uploading client said about the file. Stored as claims, beside the server's facts. */
export const ClientClaims = z
  .object({
    fileName: z.string().nullable(),
    fileModifiedAt: z.string().nullable(),
    fileCreatedAt: z.string().nullable(),
  })
  .meta({ id: 'ClientClaims' });

export const Photo = z
  .object({
    id: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    mime: z.string(),
    status: PhotoStatus,
    trashedAt: z.string().nullable(),
    /** Local wall-clock time written by the camera, `YYYY-MM-DDTHH:mm:ss`. */
    captureTime: z.string().nullable(),
    /** UTC offset of captureTime when the file records it, e.g. `+08:00`. */
    captureOffset: z.string().nullable(),
    /** Capture instant in UTC when the offset is known. */
    capturedAtUtc: z.string().nullable(),
    /** The timeline's ordering time. */
    sortTime: z.string(),
    make: z.string().nullable(),
    model: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    orientation: z.number().int().nullable(),
    gps: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
    media: z.object({
      state: MediaState,
      /** Why there is no thumbnail or preview, when there is none. */
      note: z.string().nullable(),
      metadataProblems: z.array(z.string()),
    }),
    upload: UploadProvenance,
    claims: ClientClaims,
  })
  .meta({ id: 'Photo' });
export type Photo = z.infer<typeof Photo>;

export const PhotoPage = z
  .object({ items: z.array(Photo), nextCursor: z.string().nullable() })
  .meta({ id: 'PhotoPage' });
export type PhotoPage = z.infer<typeof PhotoPage>;

export const UploadResult = z
  .object({ photo: Photo, created: z.boolean() })
  .meta({ id: 'UploadResult', description: '`created` is false when the account already had this file.' });
export type UploadResult = z.infer<typeof UploadResult>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const ExistsRequest = z
  .object({ sha256: z.array(Sha256).min(1).max(1000) })
  .meta({ id: 'ExistsRequest' });
export const ExistsResponse = z
  .object({
    existing: z.record(z.string(), z.string()),
    /** Those of `existing` whose photo is in the trash: uploading the file again does not bring it back. */
    trashed: z.array(Sha256),
  })
  .meta({
    id: 'ExistsResponse',
    description:
      'Maps each SHA-256 the account already has to its photo id; `trashed` lists those whose photo is in the trash.',
  });
export type ExistsResponse = z.infer<typeof ExistsResponse>;

/** Request headers of the streaming upload. */
export const UPLOAD_HEADERS = {
  sha256: 'x-shoebox-sha256',
  fileName: 'x-shoebox-file-name',
  fileModified: 'x-shoebox-file-modified',
  fileCreated: 'x-shoebox-file-created',
} as const;
