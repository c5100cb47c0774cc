import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../adapters/blobs/blob-store.ts';
import { snapshotDatabase } from '../adapters/db/snapshot.ts';
import {
  BLOB_PREFIXES,
  blobPath,
  copyHashed,
  hashFile,
  readManifest,
  writeManifest,
  type FileEntry,
  type Manifest,
} from './manifest.ts';

export interface BackupSource {
  databaseUrl: string;
  /** PostgreSQL only: the schema to dump (tests); the whole database otherwise. */
  schema?: string;
  blobs: BlobStore;
  logKeyFile: string;
}

export interface BackupReport {
  blobs: number;
  blobsCopied: number;
  bytesCopied: number;
  /** Objects listed but deleted before they could be copied (e.g. trash expiring meanwhile). */
  blobsVanished: number;
  databaseBytes: number;
}

const PARALLEL_COPIES = 4;

/**
 * Backs a (running) installation up into `dest`: a consistent database snapshot, then every blob not already in
 * `dest`. The snapshot comes first: uploads store their object before committing its row, so every object the
 * snapshot refers to is in the store by then.
 */
export async function backupInstallation(source: BackupSource, dest: string): Promise<BackupReport> {
  await fsp.mkdir(dest, { recursive: true });
  const previous = await readManifest(dest);

  const temp = path.join(dest, `.database.${process.pid}.tmp`);
  await fsp.rm(temp, { force: true });
  const format = await snapshotDatabase(
    source.databaseUrl,
    temp,
    source.schema ? { schema: source.schema } : {},
  );
  const databaseFile = format === 'sqlite' ? 'database.sqlite' : 'database.pgdump';
  const database = { ...(await hashFile(temp)), file: databaseFile, format };
  await fsp.rename(temp, path.join(dest, databaseFile));

  const report: BackupReport = {
    blobs: 0,
    blobsCopied: 0,
    bytesCopied: 0,
    blobsVanished: 0,
    databaseBytes: database.size,
  };
  const blobs: Record<string, FileEntry> = {};
  const copy = async (key: string) => {
    const known = previous?.blobs[key];
    if (known && (await sizeOf(blobPath(dest, key))) === known.size) {
      blobs[key] = known;
      return;
    }
    let entry: FileEntry;
    try {
      entry = await copyHashed(() => source.blobs.read(key), blobPath(dest, key));
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
      report.blobsVanished++;
      return;
    }
    // Originals are named by their SHA-256: a mismatch is damage in the store, not something to back up quietly.
    if (key.startsWith('originals/') && path.posix.basename(key) !== entry.sha256)
      throw new Error(`Blob ${key} is damaged in the store: its content hashes to ${entry.sha256}`);
    blobs[key] = entry;
    report.blobsCopied++;
    report.bytesCopied += entry.size;
  };
  for (const prefix of BLOB_PREFIXES) await forEachLimit(source.blobs.list(prefix), PARALLEL_COPIES, copy);
  report.blobs = Object.keys(blobs).length;

  const manifest: Manifest = {
    format: 'shoebox-backup',
    version: 1,
    createdAt: Date.now(),
    database,
    logKey: await copyKey(source.logKeyFile, dest),
    blobs,
  };
  await writeManifest(dest, manifest);
  // Objects the installation no longer has: the new manifest no longer needs them.
  for (const key of Object.keys(previous?.blobs ?? {}))
    if (!(key in blobs)) await fsp.rm(blobPath(dest, key), { force: true });
  return report;
}

async function copyKey(keyFile: string, dest: string): Promise<Manifest['logKey']> {
  if (!fs.existsSync(keyFile)) return null;
  const target = path.join(dest, 'keys', 'log.key');
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  await fsp.copyFile(keyFile, target);
  await fsp.chmod(target, 0o600);
  return { ...(await hashFile(target)), file: 'keys/log.key' };
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return null;
  }
}

/** Runs `task` for every item of an async iterable, at most `limit` at once. */
export async function forEachLimit<T>(
  items: AsyncIterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failed = false;
  const worker = async () => {
    for (let next = await iterator.next(); !next.done && !failed; next = await iterator.next()) {
      try {
        await task(next.value);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  // After a failure the other workers stop taking items, and all of them settle before the caller hears of it:
  // nothing keeps reading or writing files behind a caller that has already cleaned up.
  const results = await Promise.allSettled(Array.from({ length: limit }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
