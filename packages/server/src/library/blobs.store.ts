import type { Queryable } from '../adapters/db/database.ts';

/** Which content hashes the blob store holds, and uploads in flight whose objects are not yet accounted for. */
export function createBlobsStore() {
  return {
    async has(db: Queryable, sha256: string): Promise<boolean> {
      return (
        (await db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) !==
        undefined
      );
    },

    async insert(db: Queryable, sha256: string, size: number, now: number): Promise<void> {
      await db
        .insertInto('blobs')
        .values({ sha256, size, created_at: now })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
    },

    async delete(db: Queryable, sha256: string): Promise<void> {
      await db.deleteFrom('blobs').where('sha256', '=', sha256).execute();
    },

    async addIntent(db: Queryable, intent: { id: string; blobKey: string; sha256: string; now: number }) {
      await db
        .insertInto('blob_intents')
        .values({ id: intent.id, blob_key: intent.blobKey, sha256: intent.sha256, created_at: intent.now })
        .execute();
    },

    /** Returns false when recovery already took the intent away (the upload must then fail). */
    async resolveIntent(db: Queryable, id: string): Promise<boolean> {
      const result = await db.deleteFrom('blob_intents').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /** Takes every intent older than `before` away from its uploader, for recovery. */
    async takeStaleIntents(db: Queryable, before: number) {
      return db.deleteFrom('blob_intents').where('created_at', '<', before).returningAll().execute();
    },
  };
}

export type BlobsStore = ReturnType<typeof createBlobsStore>;
