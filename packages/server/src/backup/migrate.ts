import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../adapters/blobs/blob-store.ts';
import { openDatabase, isPostgresUrl } from '../adapters/db/database.ts';
import { copySqliteToPostgres, countRows } from '../adapters/db/copy-database.ts';
import { BLOB_PREFIXES } from './manifest.ts';
import { forEachLimit } from './backup.ts';

export interface MigrateOptions {
  /** The SQLite installation (its server stopped). */
  from: { databaseUrl: string; blobs: BlobStore };
  /** An empty PostgreSQL database; and a blob store to move the blobs into, if they move. */
  to: { databaseUrl: string; schema?: string; blobs?: BlobStore };
}

export interface MigrateReport {
  rows: Record<string, number>;
  blobs: number;
  blobsCopied: number;
  bytesCopied: number;
}

/**
 * Moves a SQLite installation to PostgreSQL (and its blobs to another store), then proves it: every table has as
 * many rows as the source, and every blob read back from the target hashes as it does in the source. Ids, feed
 * epoch and the audit log are kept, so devices carry on with their cursors and checkpoints.
 */
export async function migrateInstallation(options: MigrateOptions): Promise<MigrateReport> {
  if (isPostgresUrl(options.from.databaseUrl)) throw new Error('The installation is on PostgreSQL already');
  if (!isPostgresUrl(options.to.databaseUrl)) throw new Error('--to must be a postgres:// URL');
  const source = await openDatabase({ url: options.from.databaseUrl });
  const target = await openDatabase({
    url: options.to.databaseUrl,
    ...(options.to.schema ? { schema: options.to.schema } : {}),
  });
  const report: MigrateReport = { rows: {}, blobs: 0, blobsCopied: 0, bytesCopied: 0 };
  try {
    report.rows = await copySqliteToPostgres(source, target);
    const tables = Object.keys(report.rows);
    const [want, got] = [await countRows(source, tables), await countRows(target, tables)];
    for (const table of tables)
      if (want[table] !== got[table])
        throw new Error(`Table ${table}: ${want[table]} rows in SQLite but ${got[table]} in PostgreSQL`);
  } finally {
    await source.close();
    await target.close();
  }
  const to = options.to.blobs;
  if (to) await moveBlobs(options.from.blobs, to, report);
  return report;
}

async function moveBlobs(from: BlobStore, to: BlobStore, report: MigrateReport): Promise<void> {
  const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-migrate-'));
  try {
    for (const prefix of BLOB_PREFIXES) {
      await forEachLimit(from.list(prefix), 4, async (key) => {
        report.blobs++;
        const expected = await sha256(from.read(key));
        const [size, sourceSize] = [await to.size(key), await from.size(key)];
        if (size === null || size !== sourceSize) {
          const temp = path.join(scratch, createHash('sha1').update(key).digest('hex'));
          await from.withLocalFile(key, (file) => fsp.copyFile(file, temp));
          await to.importFile(temp, key);
          report.blobsCopied++;
          report.bytesCopied += sourceSize ?? 0;
        }
        // Read back from the target: what counts is what the new store serves.
        const got = await sha256(to.read(key));
        if (got !== expected) throw new Error(`Blob ${key} differs after the move (${got} ≠ ${expected})`);
      });
    }
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
