import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { isPostgresUrl } from './database.ts';

/** How a database snapshot is stored: a SQLite file, or pg_dump's custom format. */
export type SnapshotFormat = 'sqlite' | 'pg_dump';

export function sqliteFile(url: string): string {
  return path.resolve(url.replace(/^(sqlite|file):(\/\/)?/, ''));
}

/**
 * A consistent copy of a live database in `file`: SQLite's online backup (pages copied while writers go on, the
 * result is one point in time) or pg_dump (one repeatable-read transaction).
 */
export async function snapshotDatabase(
  url: string,
  file: string,
  options: { schema?: string } = {},
): Promise<SnapshotFormat> {
  if (isPostgresUrl(url)) {
    const schema = options.schema ? [`--schema=${options.schema}`] : [];
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      ...schema,
      `--file=${file}`,
      url,
    ]);
    return 'pg_dump';
  }
  const source = new SQLite(sqliteFile(url), { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All pages in one step, i.e. one read transaction: copied a hundred at a time (the default), every write by
    // the running server in between would restart the backup, and a busy server could keep it from ever ending.
    await source.backup(file, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  return 'sqlite';
}

/** Puts a snapshot in place as a new database. Refuses to overwrite an existing SQLite file. */
export async function restoreDatabase(file: string, format: SnapshotFormat, url: string): Promise<void> {
  if (format === 'pg_dump') {
    if (!isPostgresUrl(url))
      throw new Error('A pg_dump backup restores into PostgreSQL only: pass --database');
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${url}`, file]);
    return;
  }
  if (isPostgresUrl(url))
    throw new Error('A SQLite backup restores into SQLite; use `shoebox migrate` to move to PostgreSQL');
  const target = sqliteFile(url);
  if (fs.existsSync(target)) throw new Error(`${target} already exists: restore into a fresh data folder`);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.restoring`;
  await fsp.copyFile(file, temp);
  await fsp.rename(temp, target);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${stderr.trim()}`)),
    );
  });
}
