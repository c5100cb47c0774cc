import { type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

export function coreMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('password_changed_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('installation_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('os', 'text')
        .addColumn('app_version', 'text')
        .addColumn('serial', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('trusted_at', t.time)
        .addColumn('trust_reason', 'text')
        .addColumn('last_seen_at', t.time, (c) => c.notNull())
        .addColumn('last_ip', 'text')
        .addColumn('last_place', 'text')
        .addColumn('removed_at', t.time)
        .addUniqueConstraint('devices_account_installation', ['account_id', 'installation_id'])
        .execute();
      await db.schema.createIndex('devices_serial').on('devices').column('serial').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('last_used_at', t.time, (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('place', 'text')
        .addColumn('factors', 'text', (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('revoke_reason', 'text')
        .execute();
      await db.schema.createIndex('sessions_device').on('sessions').column('device_id').execute();

      await db.schema
        .createTable('blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('photos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trashed_at', t.time)
        .addColumn('sort_time', t.time, (c) => c.notNull())
        .addColumn('capture_time', 'text')
        .addColumn('capture_offset', 'text')
        .addColumn('capture_utc', t.time)
        .addColumn('make', 'text')
        .addColumn('model', 'text')
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('orientation', 'integer')
        .addColumn('gps_lat', t.double)
        .addColumn('gps_lon', t.double)
        .addColumn('media_state', 'text', (c) => c.notNull())
        .addColumn('media_note', 'text')
        .addColumn('metadata_problems', 'text')
        .addColumn('file_name', 'text')
        .addColumn('file_modified_at', t.time)
        .addColumn('file_created_at', t.time)
        .addColumn('uploaded_at', t.time, (c) => c.notNull())
        .addColumn('upload_device_id', 'text', (c) => c.notNull())
        .addColumn('upload_session_id', 'text', (c) => c.notNull())
        .addColumn('upload_ip', 'text')
        .addColumn('upload_place', 'text')
        .addUniqueConstraint('photos_account_sha256', ['account_id', 'sha256'])
        .execute();
      await db.schema
        .createIndex('photos_timeline')
        .on('photos')
        .columns(['account_id', 'status', 'sort_time desc', 'id desc'])
        .execute();
      await db.schema.createIndex('photos_sha256').on('photos').column('sha256').execute();

      await db.schema
        .createTable('albums')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('albums_account').on('albums').column('account_id').execute();

      await db.schema
        .createTable('album_photos')
        .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
        .addColumn('photo_id', 'text', (c) => c.notNull().references('photos.id').onDelete('cascade'))
        .addColumn('added_at', t.time, (c) => c.notNull())
        .addColumn('added_by_account_id', 'text', (c) => c.notNull())
        .addColumn('added_by_device_id', 'text')
        .addPrimaryKeyConstraint('album_photos_pk', ['album_id', 'photo_id'])
        .execute();
      await db.schema.createIndex('album_photos_photo').on('album_photos').column('photo_id').execute();

      await db.schema
        .createTable('changes')
        .addColumn('id', t.serial, (c) => t.serialConstraint(c))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('changes_account').on('changes').columns(['account_id', 'id']).execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', t.serial, (c) => t.serialConstraint(c))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', t.time, (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('locked_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('blob_intents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_ready').on('jobs').columns(['state', 'run_at']).execute();
    },
  };
}
