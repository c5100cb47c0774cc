// The upload index is derived data: it can always be rebuilt from the log's photo.uploaded entries (what migration
// 0015 did for uploads logged before the index existed, on the log's storage of that time).
import { sql } from 'kysely';
import type { Queryable } from '../adapters/db/database.ts';
import { loadTerms, readRow } from '../audit/audit.event-row.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';

const PAGE = 2000;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Indexes every logged upload that has no index row yet (a forgotten account's entries stay unindexed). */
export async function rebuildUploadIndex(db: Queryable): Promise<void> {
  for (let after = -1; ;) {
    const rows = await db
      .selectFrom('audit_all_events as e')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(['e.seq', 'e.kind', 'e.body', 'e.created_at', 'o.account_id'])
      .where('e.kind', '=', kindCode('photo.uploaded'))
      .where('e.seq', '>', after)
      .where('e.span_last', '>', after)
      .orderBy('e.seq')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = Number(rows.at(-1)?.seq);
    const terms = await loadTerms(db, rows);
    const values = rows.flatMap((r) => {
      const body = readRow(r, terms)?.body;
      if (!body) return [];
      const place = typeof body['place'] === 'object' ? (body['place'] as { label?: string } | null) : null;
      return [
        {
          photo_id: text(body['photoId']),
          account_id: r.account_id,
          seq: Number(r.seq),
          at: Number(r.created_at),
          device_id: text(body['deviceId']),
          session_id: text(body['sessionId']),
          sha256: text(body['sha256']),
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
