import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

const PAGE = 2000;

interface UploadEvent {
  seq: number;
  kind: string | null;
  account_id: string | null;
  body: string | null;
  created_at: number;
}

/**
 * The facts explain needs of each upload (its audit entry, device, session, content, address, place, and the
 * change at which the photo entered the feed), one narrow row per photo written in the upload's transaction:
 * explain over 100,000 photos then reads one joined row per photo instead of parsing 100,000 log bodies. Rows
 * are derived from the log; `seq` is unique, so one logged upload can vouch for one photo only. Existing uploads
 * are copied from the log here.
 */
export function evidenceUploadsMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      // Keyed by account then photo, and on SQLite stored in that key's order (WITHOUT ROWID): explain reads one
      // account's rows as one range, with no second lookup per row.
      const table = db.schema
        .createTable('evidence_uploads')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('photo_id', 'text', (c) => c.notNull())
        .addColumn('seq', t.bigint, (c) => c.notNull().unique())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('place', 'text')
        .addColumn('place_label', 'text')
        .addColumn('added_change', t.bigint)
        .addPrimaryKeyConstraint('evidence_uploads_pk', ['account_id', 'photo_id']);
      await (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
      // PostgreSQL keeps rows in a heap: without the columns in the index it chose a scan of every account's rows
      // (a hash join) over 100,000 heap fetches. With them, one index-only range per account (EXPLAIN in the
      // bench notes, docs/benchmarks.md). The logged place is read only for the photos a report lists.
      if (dialect === 'postgres')
        await sql`
          CREATE INDEX evidence_uploads_account ON evidence_uploads (account_id, photo_id)
          INCLUDE (seq, at, device_id, session_id, sha256, ip, place_label, added_change)`.execute(db);
      await backfill(db as Kysely<{ audit_events: UploadEvent; evidence_uploads: Record<string, unknown> }>);
    },
  };
}

/** Copies every logged upload not yet indexed into evidence_uploads (also used by bench/explain.bench.ts). */
export async function backfill(
  db: Kysely<{ audit_events: UploadEvent; evidence_uploads: Record<string, unknown> }>,
): Promise<void> {
  for (let after = -1; ;) {
    const rows = await db
      .selectFrom('audit_events')
      .select(['seq', 'account_id', 'body', 'created_at'])
      .where('kind', '=', 'photo.uploaded')
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = Number(rows.at(-1)?.seq);
    const values = rows.flatMap((r) => {
      if (r.account_id === null || r.body === null) return []; // forgotten account
      const { body } = JSON.parse(r.body) as { body: Record<string, unknown> };
      const place = typeof body['place'] === 'object' ? (body['place'] as { label?: string } | null) : null;
      return [
        {
          photo_id: String(body['photoId']),
          account_id: r.account_id,
          seq: Number(r.seq),
          at: Number(r.created_at),
          device_id: String(body['deviceId']),
          session_id: String(body['sessionId']),
          sha256: String(body['sha256']),
          ip: typeof body['ip'] === 'string' ? body['ip'] : null,
          place: place ? JSON.stringify(place) : null,
          place_label: place?.label ?? null,
        },
      ];
    });
    for (let i = 0; i < values.length; i += 500)
      await db
        .insertInto('evidence_uploads')
        .values(values.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['account_id', 'photo_id']).doNothing())
        .execute();
  }
  // One indexed lookup per row (changes_entity: entity_id, account_id, id), the same statement on both databases.
  await sql`
    UPDATE evidence_uploads SET added_change = (
      SELECT max(c.id) FROM changes c
      WHERE c.entity_id = evidence_uploads.photo_id AND c.account_id = evidence_uploads.account_id
        AND c.kind = 'photo.added'
    )`.execute(db);
}
