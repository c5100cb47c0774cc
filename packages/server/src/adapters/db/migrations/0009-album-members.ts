import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * Shared albums: who an album is shared with and with which right, who added each photo (with the session), and
 * the change-feed positions a snapshot needs to tell what it must leave to the feed.
 */
export function albumMembersMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('album_members')
        .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('granted_at', t.time, (c) => c.notNull())
        .addColumn('granted_by_device_id', 'text')
        // The first change id of the grant: a member's snapshot before it leaves the album's photos to the feed.
        .addColumn('change_id', t.bigint, (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('album_members_pk', ['album_id', 'account_id'])
        .execute();
      await db.schema.createIndex('album_members_account').on('album_members').column('account_id').execute();

      await db.schema.alterTable('album_photos').addColumn('added_by_session_id', 'text').execute();
      await db.schema
        .alterTable('album_photos')
        .addColumn('change_id', t.bigint, (c) => c.notNull().defaultTo(0))
        .execute();

      // Fan-out writes one feed row per account that sees a change; the feed sends each entity at the latest row
      // of the reading account, found through this index.
      await db.schema
        .createIndex('changes_entity')
        .on('changes')
        .columns(['entity_id', 'account_id', 'id'])
        .execute();
    },
  };
}
