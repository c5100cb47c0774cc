import type { Photo } from '@shoebox/shared';
import { iso } from '../platform/clock.ts';
import type { PhotoWithDevice } from './photos.store.ts';

/**
 * The API's view of a photo row for `viewerId`: server-side facts and client claims kept apart. A photo of another
 * account (shared in through an album) shows whose it is and the uploading device's name and model, as the album
 * does; where it was uploaded from and the device's serial are that account's business (as in its provenance).
 */
export function toPhoto(row: PhotoWithDevice, viewerId: string): Photo {
  const own = row.account_id === viewerId;
  return {
    id: row.id,
    sha256: row.sha256,
    size: row.size,
    mime: row.mime,
    status: row.status,
    trashedAt: iso(row.trashed_at),
    captureTime: row.capture_time,
    captureOffset: row.capture_offset,
    capturedAtUtc: iso(row.capture_utc),
    sortTime: iso(row.sort_time),
    make: row.make,
    model: row.model,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    gps:
      row.gps_lat !== null && row.gps_lon !== null ? { latitude: row.gps_lat, longitude: row.gps_lon } : null,
    media: {
      state: row.media_state,
      note: row.media_note,
      metadataProblems: row.metadata_problems ? (JSON.parse(row.metadata_problems) as string[]) : [],
    },
    upload: {
      accountId: row.account_id,
      deviceId: row.upload_device_id,
      deviceName: row.device_name,
      deviceModel: row.device_model,
      deviceSerial: own ? row.device_serial : null,
      sessionId: row.upload_session_id,
      uploadedAt: iso(row.uploaded_at),
      ip: own ? row.upload_ip : null,
      place: own && row.upload_place ? (JSON.parse(row.upload_place) as Photo['upload']['place']) : null,
    },
    claims: {
      fileName: row.file_name,
      fileModifiedAt: iso(row.file_modified_at),
      fileCreatedAt: iso(row.file_created_at),
    },
  };
}

/** Opaque timeline cursor: the (sortTime, id) of the last item of the previous page. */
export function encodeCursor(sortTime: number, id: string): string {
  return Buffer.from(JSON.stringify([sortTime, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortTime: number; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Only values this server could have written: a forged fraction or huge number would reach PostgreSQL as a
    // bigint parameter it cannot parse, and fail the request with a 500 instead of a 400.
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && isId(value[1])) {
      return { sortTime: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through: not ours
  }
  return null;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64;
}
