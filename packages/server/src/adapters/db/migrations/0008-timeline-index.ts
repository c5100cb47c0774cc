import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The timeline index also carries what the compact timeline (`GET /api/timeline`) returns, so a page of it is read
 * from the index alone instead of with one table lookup per photo. Its key stays the old one, so every other
 * timeline query uses it as before.
 */
export function timelineIndexMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('photos_timeline').execute();
      if (dialect === 'postgres') {
        // INCLUDE keeps the carried columns out of the key: the B-tree stays as narrow to search as before.
        await sql`create index photos_timeline on photos (account_id, status, sort_time desc, id desc)
          include (capture_time, width, height, orientation, media_state, mime)`.execute(db);
        return;
      }
      await db.schema
        .createIndex('photos_timeline')
        .on('photos')
        .columns([
          ...['account_id', 'status', 'sort_time desc', 'id desc'],
          ...['capture_time', 'width', 'height', 'orientation', 'media_state', 'mime'],
        ])
        .execute();
    },
  };
}
