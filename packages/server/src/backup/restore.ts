import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../adapters/blobs/blob-store.ts';
import { openDatabase } from '../adapters/db/database.ts';
import { restoreDatabase } from '../adapters/db/snapshot.ts';
import { blobPath, copyHashed, hashFile, readManifest, type FileEntry } from './manifest.ts';
import { forEachLimit } from './backup.ts';

export interface RestoreTarget {
  dataDir: string;
  databaseUrl: string;
  /** PostgreSQL only: the schema the dump was taken from (tests). */
  schema?: string;
  blobs: BlobStore;
  logKeyFile: string;
}

export interface RestoreReport {
  blobs: number;
  bytes: number;
  createdAt: number;
}

/**
 * Rebuilds an installation from a backup folder, checking every file against the manifest's SHA-256 on the way.
 * The database comes last, so a restore cut short never looks like a complete installation.
 */
export async function restoreInstallation(src: string, target: RestoreTarget): Promise<RestoreReport> {
  const manifest = await readManifest(src);
  if (!manifest) throw new Error(`${src} holds no Shoebox backup (no manifest.json)`);
  const databaseFile = path.join(src, manifest.database.file);
  await expectFile(databaseFile, manifest.database);

  const staging = path.join(target.dataDir, 'tmp', `restore-${randomUUID()}`);
  await fsp.mkdir(staging, { recursive: true });
  let bytes = 0;
  try {
    const keys = Object.keys(manifest.blobs);
    await forEachLimit(toAsync(keys), 4, async (key) => {
      const expected = manifest.blobs[key];
      if (!expected) return;
      const temp = path.join(staging, randomUUID());
      const got = await copyHashed(() => fs.createReadStream(blobPath(src, key)), temp);
      if (got.sha256 !== expected.sha256 || got.size !== expected.size)
        throw new Error(`Backup file blobs/${key} is damaged: its SHA-256 is not the manifest's`);
      await target.blobs.importFile(temp, key);
      bytes += got.size;
    });
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }

  if (manifest.logKey) {
    const keyFile = path.join(src, manifest.logKey.file);
    await expectFile(keyFile, manifest.logKey);
    await installKey(keyFile, target.logKeyFile);
  }
  await restoreDatabase(databaseFile, manifest.database.format, target.databaseUrl);
  await forgetInstanceState(target.databaseUrl, target.schema);
  return { blobs: Object.keys(manifest.blobs).length, bytes, createdAt: manifest.createdAt };
}

/**
 * Devices may have synced past the backup; feed ids after it will be given out again. A new epoch (made at start)
 * makes every older cursor answer 410 cursor_reset, so devices re-read the snapshot instead of skipping changes.
 * Leases (the audit signer's) belonged to processes of the old installation: the restored one must not wait them out.
 */
async function forgetInstanceState(url: string, schema: string | undefined): Promise<void> {
  const database = await openDatabase({ url, ...(schema ? { schema } : {}) });
  try {
    await database.db.deleteFrom('settings').where('key', '=', 'feed_epoch').execute();
    await database.db.deleteFrom('settings').where('key', 'like', 'lease:%').execute();
  } finally {
    await database.close();
  }
}

async function expectFile(file: string, expected: FileEntry): Promise<void> {
  const got = await hashFile(file);
  if (got.sha256 !== expected.sha256 || got.size !== expected.size)
    throw new Error(`Backup file ${file} is damaged: its SHA-256 is not the manifest's`);
}

async function installKey(from: string, to: string): Promise<void> {
  const key = await fsp.readFile(from);
  if (fs.existsSync(to)) {
    if (!(await fsp.readFile(to)).equals(key))
      throw new Error(`${to} holds another audit log key; move it away to restore this backup's key`);
    return;
  }
  await fsp.mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
  await fsp.writeFile(to, key, { mode: 0o600, flag: 'wx' });
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item);
}
