import type { Queryable } from '../adapters/db/database.ts';
import type { NewPhotoRow, PhotoRow, PhotoStatus } from '../adapters/db/schema.ts';

/** A photo row with the name of the device that uploaded it, as the API shows it. */
export interface PhotoWithDevice extends PhotoRow {
  device_name: string | null;
  device_model: string | null;
  device_serial: string | null;
}

export interface TimelinePosition {
  sortTime: number;
  id: string;
}

/** Photos joined with the device that uploaded them: the shape every photo read of the API needs. */
export const photosWithDevice = (db: Queryable) =>
  db
    .selectFrom('photos')
    .leftJoin('devices', 'devices.id', 'photos.upload_device_id')
    .selectAll('photos')
    .select([
      'devices.name as device_name',
      'devices.model as device_model',
      'devices.serial as device_serial',
    ]);

export function createPhotosStore() {
  const withDevice = photosWithDevice;

  return {
    async insert(db: Queryable, row: NewPhotoRow): Promise<void> {
      await db.insertInto('photos').values(row).execute();
    },

    find(db: Queryable, accountId: string, id: string): Promise<PhotoWithDevice | undefined> {
      return withDevice(db)
        .where('photos.account_id', '=', accountId)
        .where('photos.id', '=', id)
        .executeTakeFirst();
    },

    findBySha(db: Queryable, accountId: string, sha256: string): Promise<PhotoWithDevice | undefined> {
      return withDevice(db)
        .where('photos.account_id', '=', accountId)
        .where('photos.sha256', '=', sha256)
        .executeTakeFirst();
    },

    /** The account's photos with these SHA-256s: id and status by SHA-256. */
    async existingShas(
      db: Queryable,
      accountId: string,
      shas: string[],
    ): Promise<Map<string, { id: string; status: PhotoStatus }>> {
      const rows = await db
        .selectFrom('photos')
        .select(['sha256', 'id', 'status'])
        .where('account_id', '=', accountId)
        .where('sha256', 'in', shas)
        .execute();
      return new Map(rows.map((r) => [r.sha256, { id: r.id, status: r.status }]));
    },

    /** One page of the timeline, newest first, strictly after `after` in that order. */
    page(
      db: Queryable,
      accountId: string,
      status: PhotoStatus,
      after: TimelinePosition | null,
      limit: number,
    ): Promise<PhotoWithDevice[]> {
      let query = withDevice(db)
        .where('photos.account_id', '=', accountId)
        .where('photos.status', '=', status);
      if (after) {
        // A row-value comparison lets both databases walk the timeline index from the cursor; the equivalent
        // OR of two conditions made SQLite scan and sort.
        query = query.where((eb) =>
          eb(eb.refTuple('photos.sort_time', 'photos.id'), '<', eb.tuple(after.sortTime, after.id)),
        );
      }
      return query.orderBy('photos.sort_time', 'desc').orderBy('photos.id', 'desc').limit(limit).execute();
    },

    async update(db: Queryable, accountId: string, id: string, patch: Partial<PhotoRow>): Promise<void> {
      await db
        .updateTable('photos')
        .set(patch)
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .execute();
    },

    async setMediaState(db: Queryable, sha256: string, patch: Pick<PhotoRow, 'media_state' | 'media_note'>) {
      await db.updateTable('photos').set(patch).where('sha256', '=', sha256).execute();
    },

    async delete(db: Queryable, accountId: string, id: string): Promise<void> {
      await db.deleteFrom('photos').where('account_id', '=', accountId).where('id', '=', id).execute();
    },

    async countBySha(db: Queryable, sha256: string): Promise<number> {
      const row = await db
        .selectFrom('photos')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('sha256', '=', sha256)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    trashedBefore(
      db: Queryable,
      before: number,
      limit: number,
    ): Promise<Pick<PhotoRow, 'id' | 'account_id'>[]> {
      return db
        .selectFrom('photos')
        .select(['id', 'account_id'])
        .where('status', '=', 'trashed')
        .where('trashed_at', '<', before)
        .limit(limit)
        .execute();
    },
  };
}

export type PhotosStore = ReturnType<typeof createPhotosStore>;
