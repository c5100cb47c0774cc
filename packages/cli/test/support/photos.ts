import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { corpusFile, readManifest, type ManifestRow } from '../../../server/test/support/corpus.ts';

/** Every file gets this modification time, so the uploaded claim can be checked exactly. */
export const MTIME = new Date('2020-02-03T04:05:06.000Z');

export function copyPhoto(corpusPath: string, to: string): string {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(corpusFile(corpusPath), to);
  fs.utimesSync(to, MTIME, MTIME);
  return to;
}

export function manifestRow(corpusPath: string): ManifestRow {
  const row = readManifest().find((r) => r.path === corpusPath);
  if (!row) throw new Error(`not in MANIFEST.tsv: ${corpusPath}`);
  return row;
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The photo fields of `shoebox info --json` these tests look at. */
export interface PhotoJson {
  id: string;
  sha256: string;
  size: number;
  mime: string;
  status: string;
  trashedAt: string | null;
  captureTime: string | null;
  captureOffset: string | null;
  capturedAtUtc: string | null;
  sortTime: string;
  make: string | null;
  model: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  gps: { latitude: number; longitude: number } | null;
  media: { state: string; note: string | null; metadataProblems: string[] };
  upload: Record<string, unknown>;
  claims: { fileName: string | null; fileModifiedAt: string | null; fileCreatedAt: string | null };
}

export interface UploadJson {
  uploaded: number;
  skipped: number;
  failed: number;
  files: { file: string; status: string; id?: string; sha256?: string; reason?: string; code?: string }[];
}
