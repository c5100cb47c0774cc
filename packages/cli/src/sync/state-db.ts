import path from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** What the agent knows about one local file. `path` is relative to the synced folder, with `/` separators. */
export interface FileRecord {
  path: string;
  /** Null when the server refused the file: remembered so an unchanged refused file is not retried forever. */
  photoId: string | null;
  sha256: string;
  size: number;
  mtimeMs: number;
  /** `trashed` files live in `.shoebox-trash/` because the photo is in the server's trash. */
  state: 'active' | 'trashed';
}

interface Row {
  path: string;
  photo_id: string | null;
  sha256: string;
  size: number;
  mtime_ms: number;
  state: 'active' | 'trashed';
}

const toRecord = (r: Row): FileRecord => ({
  path: r.path,
  photoId: r.photo_id,
  sha256: r.sha256,
  size: r.size,
  mtimeMs: r.mtime_ms,
  state: r.state,
});

/** One database per synced folder, so two folders synced from one home never share (or clobber) state. */
export function stateFile(home: string, dir: string): string {
  const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
  return path.join(home, `sync-${hash}.db`);
}

/**
 * The agent's memory: path ↔ photo id ↔ sha256 ↔ size/mtime, and the feed cursor. It is what lets a restart
 * skip hashing unchanged files and downloading photos it already has.
 */
export class SyncState {
  private readonly db: Database.Database;
  /** Prepared once: a sync applies thousands of records, and preparing costs more than running. */
  private readonly statements = new Map<string, Database.Statement>();

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  constructor(file: string) {
    this.db = new Database(file);
    // WAL keeps a crash between two writes from corrupting the file; each write is its own transaction.
    this.db.pragma('journal_mode = WAL');
    // NORMAL: no fsync per file recorded. A power cut can lose the last few records, never consistency: a
    // lost record means the file is hashed again (and found on the server) or fetched again, nothing worse.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS files (
        path TEXT PRIMARY KEY, photo_id TEXT, sha256 TEXT NOT NULL,
        size INTEGER NOT NULL, mtime_ms REAL NOT NULL, state TEXT NOT NULL DEFAULT 'active');
      CREATE INDEX IF NOT EXISTS files_photo ON files(photo_id);
      CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS snapshot_photos (seq INTEGER PRIMARY KEY, photo_id TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS snapshot_photos_id ON snapshot_photos(photo_id);
    `);
  }

  byPath(p: string): FileRecord | undefined {
    const row = this.stmt('SELECT * FROM files WHERE path = ?').get(p) as Row | undefined;
    return row && toRecord(row);
  }

  byPhoto(photoId: string): FileRecord | undefined {
    const row = this.stmt('SELECT * FROM files WHERE photo_id = ?').get(photoId) as Row | undefined;
    return row && toRecord(row);
  }

  bySha(sha256: string): FileRecord | undefined {
    const row = this.stmt('SELECT * FROM files WHERE sha256 = ?').get(sha256) as Row | undefined;
    return row && toRecord(row);
  }

  /** Whether another active file holds this photo (the file was moved or copied inside the folder). */
  heldElsewhere(photoId: string, notPath: string): boolean {
    return Boolean(
      this.stmt("SELECT 1 FROM files WHERE photo_id = ? AND path != ? AND state = 'active'").get(
        photoId,
        notPath,
      ),
    );
  }

  all(state: FileRecord['state']): FileRecord[] {
    return (this.stmt('SELECT * FROM files WHERE state = ?').all(state) as Row[]).map(toRecord);
  }

  /**
   * A snapshot is read as a stream into this table first (quickly, so the server's stream is short), then applied
   * from here in pages: the agent's memory does not grow with the library, and the downloads, however long they
   * take, do not hold the server's stream open.
   */
  beginSnapshot(): void {
    this.db.exec('DELETE FROM snapshot_photos');
  }

  addSnapshotPhotos(photos: readonly { id: string; body: string }[]): void {
    const insert = this.stmt('INSERT INTO snapshot_photos (photo_id, body) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const p of photos) insert.run(p.id, p.body);
    })();
  }

  /** The snapshot's photos (JSON) after position `after`, in the order the server sent them. */
  snapshotPage(after: number, limit: number): { seq: number; body: string }[] {
    return this.stmt('SELECT seq, body FROM snapshot_photos WHERE seq > ? ORDER BY seq LIMIT ?').all(
      after,
      limit,
    ) as { seq: number; body: string }[];
  }

  /** Active files of photos the snapshot just read did not name (gone from the server meanwhile). */
  activeNotInSnapshot(): FileRecord[] {
    const rows = this.stmt(
      `SELECT * FROM files WHERE state = 'active' AND photo_id IS NOT NULL
           AND photo_id NOT IN (SELECT photo_id FROM snapshot_photos)`,
    ).all() as Row[];
    return rows.map(toRecord);
  }

  endSnapshot(): void {
    this.db.exec('DELETE FROM snapshot_photos');
  }

  put(r: FileRecord): void {
    this.stmt(
      `INSERT INTO files (path, photo_id, sha256, size, mtime_ms, state) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET photo_id = excluded.photo_id, sha256 = excluded.sha256,
           size = excluded.size, mtime_ms = excluded.mtime_ms, state = excluded.state`,
    ).run(r.path, r.photoId, r.sha256, r.size, r.mtimeMs, r.state);
  }

  /** Records many files in one transaction: one commit for a batch of downloads instead of one per file. */
  putAll(records: readonly FileRecord[]): void {
    this.db.transaction(() => {
      for (const r of records) this.put(r);
    })();
  }

  /** Moves a record to a new path (trash and restore rename files; the record follows). */
  move(from: string, r: FileRecord): void {
    this.db.transaction(() => {
      this.remove(from);
      this.put(r);
    })();
  }

  remove(p: string): void {
    this.stmt('DELETE FROM files WHERE path = ?').run(p);
  }

  get cursor(): string | undefined {
    const row = this.stmt("SELECT value FROM meta WHERE key = 'cursor'").get() as
      { value: string } | undefined;
    return row?.value;
  }

  set cursor(value: string | undefined) {
    if (value === undefined) this.stmt("DELETE FROM meta WHERE key = 'cursor'").run();
    else
      this.stmt(
        "INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = ?",
      ).run(value, value);
  }

  /**
   * Stores the cursor and makes it and every record before it durable (one WAL sync): called before the cursor is
   * acknowledged, so the server never records a delivery this device could forget in a power cut.
   */
  saveCursorDurably(value: string): void {
    this.db.pragma('synchronous = FULL');
    try {
      this.cursor = value;
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  close(): void {
    this.db.close();
  }
}
