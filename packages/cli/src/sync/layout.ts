import fs from 'node:fs';
import path from 'node:path';
import type { Photo } from '@shoebox/shared';

/** Hidden folders inside the synced folder; the scan skips every dot-entry, so these are never uploaded. */
export const TRASH_DIR = '.shoebox-trash';
export const TEMP_DIR = '.shoebox-tmp';

const EXT_BY_MIME: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/heic': '.heic',
  'image/avif': '.avif',
  'image/tiff': '.tiff',
};

/**
 * Where a downloaded photo goes: `YYYY/MM/<original name>`, by capture time (the camera's wall clock, which is
 * what people file photos by), else by upload time.
 */
export function plannedPath(photo: Photo): string {
  const when = photo.captureTime ?? photo.upload.uploadedAt;
  const [, year = '0000', month = '00'] = /^(\d{4})-(\d{2})/.exec(when) ?? [];
  return `${year}/${month}/${safeName(photo)}`;
}

/** The claimed file name is the uploader's word, so only its last segment is used, never a path. */
function safeName(photo: Photo): string {
  const claimed = photo.claims.fileName?.split(/[\\/]/).pop()?.trim();
  if (claimed && claimed !== '.' && claimed !== '..' && !claimed.startsWith('.')) return claimed;
  return `${photo.id}${EXT_BY_MIME[photo.mime] ?? ''}`;
}

/** The file's modification time: when it was taken, so file browsers sort the folder like the timeline. */
export function photoTime(photo: Photo): Date {
  const when = photo.capturedAtUtc ?? (photo.captureTime ? `${photo.captureTime}Z` : photo.upload.uploadedAt);
  const date = new Date(when);
  return Number.isNaN(date.getTime()) ? new Date(photo.upload.uploadedAt) : date;
}

/** `rel`, or `name (2).ext`, `name (3).ext`… whichever does not exist yet: the agent never overwrites a file. */
export function freePath(root: string, rel: string): string {
  const ext = path.posix.extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? rel : `${stem} (${n})${ext}`;
    if (!fs.existsSync(path.join(root, candidate))) return candidate;
  }
}

/** Moves `from` (relative) to a free path near `to` (relative), creating folders; returns the path used. */
export function moveInside(root: string, from: string, to: string): string {
  const target = freePath(root, to);
  fs.mkdirSync(path.dirname(path.join(root, target)), { recursive: true });
  fs.renameSync(path.join(root, from), path.join(root, target));
  return target;
}

/** Relative path with `/` separators, as stored in the state database on every platform. */
export function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
