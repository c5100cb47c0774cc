import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { NewPhotoRow } from '../adapters/db/schema.ts';
import type { BlobStore } from '../adapters/blobs/blob-store.ts';
import { originalKey } from '../adapters/blobs/blob-store.ts';
import { stageStream, StagingLimitError, type StagedFile } from '../adapters/blobs/staging.ts';
import {
  detectMediaType,
  readPhotoMetadata,
  refineTiffType,
  type MediaType,
  type PhotoMetadata,
} from '../adapters/media/index.ts';
import { AppError } from '../errors.ts';

export interface UploadClaims {
  sha256?: string | undefined;
  fileName?: string | undefined;
  fileModifiedAt?: number | undefined;
  fileCreatedAt?: number | undefined;
}

/** Receives the bytes into staging, refusing anything that is not a complete, intact image file. */
export async function receive(source: Readable, stagingDir: string, maxBytes: number, claims: UploadClaims) {
  let staged: StagedFile;
  try {
    staged = await stageStream(source, stagingDir, maxBytes);
  } catch (err) {
    if (err instanceof StagingLimitError) throw new AppError('payload_too_large', err.message);
    throw new AppError('upload_aborted', 'The upload was interrupted before the whole file arrived.');
  }
  try {
    if (staged.size === 0) throw new AppError('empty_file', 'The file is empty (0 bytes).');
    if (claims.sha256 && claims.sha256.toLowerCase() !== staged.sha256) {
      throw new AppError(
        'checksum_mismatch',
        `The file's SHA-256 is ${staged.sha256}, not ${claims.sha256} as the client said; nothing was kept.`,
      );
    }
    const detected = detectMediaType(staged.head);
    if (!detected) {
      throw new AppError(
        'unsupported_media_type',
        'This is not a photo Shoebox can keep: its content is not JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF, TIFF or a known RAW format.',
      );
    }
    // DNG, NEF and ARW open with a plain TIFF header; only their IFDs tell them apart, and the metadata reader
    // needs the RAW family to report the sensor image's size rather than the small preview in IFD0.
    const type = await refineTiffType(staged.path, detected);
    return { staged, type };
  } catch (err) {
    await fsp.rm(staged.path, { force: true });
    throw err;
  }
}

/** Moves a staged file into the blob store unless the store already has that content. */
export async function storeOriginal(
  blobs: BlobStore,
  staged: StagedFile,
  alreadyStored: boolean,
): Promise<void> {
  if (alreadyStored) {
    await fsp.rm(staged.path, { force: true });
    return;
  }
  await blobs.importFile(staged.path, originalKey(staged.sha256));
}

export interface PhotoFacts {
  id: string;
  accountId: string;
  deviceId: string;
  sessionId: string;
  ip: string | null;
  place: unknown;
  now: number;
}

/** Builds the photo row from what the server measured, what the file says, and what the client claimed. */
export function buildPhotoRow(
  facts: PhotoFacts,
  staged: StagedFile,
  type: MediaType,
  meta: PhotoMetadata,
  claims: UploadClaims,
  mediaReady: boolean,
): NewPhotoRow {
  return {
    id: facts.id,
    account_id: facts.accountId,
    sha256: staged.sha256,
    size: staged.size,
    mime: type.mime,
    status: 'active',
    trashed_at: null,
    sort_time: sortTimeOf(meta, facts.now),
    capture_time: meta.captureTime,
    capture_offset: meta.captureOffset,
    capture_utc: meta.captureUtcMs,
    make: meta.make,
    model: meta.model,
    width: meta.width,
    height: meta.height,
    orientation: meta.orientation,
    gps_lat: meta.gpsLatitude,
    gps_lon: meta.gpsLongitude,
    media_state: mediaReady ? 'ready' : 'pending',
    media_note: null,
    metadata_problems: meta.problems.length > 0 ? JSON.stringify(meta.problems) : null,
    file_name: claims.fileName ?? null,
    file_modified_at: claims.fileModifiedAt ?? null,
    file_created_at: claims.fileCreatedAt ?? null,
    uploaded_at: facts.now,
    upload_device_id: facts.deviceId,
    upload_session_id: facts.sessionId,
    upload_ip: facts.ip,
    upload_place: facts.place ? JSON.stringify(facts.place) : null,
  };
}

/**
 * The timeline orders by when the photo was taken: the exact instant when the offset is known, otherwise the
 * camera's wall-clock time read as if it were UTC (off by at most the photographer's time zone), otherwise the
 * upload time.
 */
export function sortTimeOf(meta: PhotoMetadata, uploadedAt: number): number {
  if (meta.captureUtcMs !== null) return meta.captureUtcMs;
  if (meta.captureTime) {
    const wall = Date.parse(`${meta.captureTime}Z`);
    if (Number.isFinite(wall)) return wall;
  }
  return uploadedAt;
}

export { readPhotoMetadata };
