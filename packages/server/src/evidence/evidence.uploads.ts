// The narrow index of logged uploads (evidence_uploads, migration 0015): one row per photo, written in the
// upload's own transaction beside its photo.uploaded entry, so explain over 100,000 photos reads one joined row
// per photo rather than parsing 100,000 log bodies. Every row is derived from a committed entry, whose seq it
// keeps (unique: one entry vouches for one photo) and which explain cites; devices check the cited entries.
import { sql } from 'kysely';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { AuditBodies } from '../audit/audit.kinds.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import type { EvidencePhotoRow, LoggedEvent } from './evidence.store.ts';

/** A photo with what the index holds of its logged upload (none: the log has no upload for it). */
export interface IndexedPhoto {
  photo: EvidencePhotoRow;
  /** Built from the index row: photoId, sha256, deviceId, sessionId, ip, and place as `{label}` only. */
  upload: LoggedEvent | undefined;
  added: number | null;
}

/** Records each logged upload in the index, in the same transaction as the entry itself. */
export function withEvidenceIndex(inner: AuditRecorder): AuditRecorder {
  return {
    async record(trx: Tx, input) {
      const result = await inner.record(trx, input);
      if (input.kind === 'photo.uploaded' && input.accountId !== null)
        await indexUpload(trx, input.accountId, result.seq, input.body);
      return result;
    },
    async recordMany(trx: Tx, inputs) {
      // recordMany writes its rows at once, so the entries are there to read.
      const results = await inner.recordMany(trx, inputs);
      for (const [i, input] of inputs.entries()) {
        const seq = results[i]?.seq;
        if (input.kind === 'photo.uploaded' && input.accountId !== null && seq !== undefined)
          await indexUpload(trx, input.accountId, seq, input.body);
      }
      return results;
    },
  };
}

async function indexUpload(
  trx: Tx,
  accountId: string,
  seq: number,
  body: AuditBodies['photo.uploaded'],
): Promise<void> {
  const [entry, added] = await Promise.all([
    trx.selectFrom('audit_events').select('created_at').where('seq', '=', seq).executeTakeFirstOrThrow(),
    trx
      .selectFrom('changes')
      .select('id')
      .where('entity_id', '=', body.photoId)
      .where('account_id', '=', accountId)
      .where('kind', '=', 'photo.added')
      .orderBy('id', 'desc')
      .executeTakeFirst(),
  ]);
  await trx
    .insertInto('evidence_uploads')
    .values({
      photo_id: body.photoId,
      account_id: accountId,
      seq,
      at: Number(entry.created_at),
      device_id: body.deviceId,
      session_id: body.sessionId,
      sha256: body.sha256,
      ip: body.ip,
      place: body.place ? JSON.stringify(body.place) : null,
      place_label: body.place?.label ?? null,
      added_change: added ? Number(added.id) : null,
    })
    .execute();
}

/**
 * The account's photos (or one) with their indexed uploads: one query, one row per photo. The logged content,
 * device and session come back only where they differ from the photo's (null otherwise), and one address: the
 * logged one, or the photo's when nothing was logged. Fewer strings per row is most of what this costs.
 */
export async function indexedPhotos(
  db: Queryable,
  accountId: string,
  photoId?: string,
): Promise<IndexedPhoto[]> {
  const differs = (logged: 'e.sha256' | 'e.device_id' | 'e.session_id', own: string) =>
    sql<string | null>`case when ${sql.ref(logged)} = ${sql.ref(own)} then null else ${sql.ref(logged)} end`;
  let q = db
    .selectFrom('photos as p')
    .leftJoin('evidence_uploads as e', (j) =>
      j.onRef('e.account_id', '=', 'p.account_id').onRef('e.photo_id', '=', 'p.id'),
    )
    .select(['p.id', 'p.sha256', 'p.uploaded_at', 'p.upload_device_id', 'p.upload_session_id', 'p.change_id'])
    .select(['e.seq', 'e.at', 'e.place_label', 'e.added_change'])
    .select(sql<string | null>`case when e.seq is null then p.upload_ip else e.ip end`.as('ip'))
    .select(differs('e.sha256', 'p.sha256').as('other_sha256'))
    .select(differs('e.device_id', 'p.upload_device_id').as('other_device'))
    .select(differs('e.session_id', 'p.upload_session_id').as('other_session'))
    .where('p.account_id', '=', accountId);
  if (photoId !== undefined) q = q.where('p.id', '=', photoId);
  const rows = await q.execute();
  return rows.map((r) => ({
    photo: {
      id: r.id,
      account_id: accountId,
      sha256: r.sha256,
      uploaded_at: Number(r.uploaded_at),
      upload_device_id: r.upload_device_id,
      upload_session_id: r.upload_session_id,
      upload_ip: r.seq === null ? r.ip : null,
      upload_place: null,
      change_id: Number(r.change_id),
    },
    upload:
      r.seq === null
        ? undefined
        : {
            seq: Number(r.seq),
            kind: 'photo.uploaded',
            at: Number(r.at),
            body: {
              photoId: r.id,
              sha256: r.other_sha256 ?? r.sha256,
              deviceId: r.other_device ?? r.upload_device_id,
              sessionId: r.other_session ?? r.upload_session_id,
              ip: r.ip,
              place: r.place_label === null ? null : { label: r.place_label },
            },
          },
    added: r.added_change === null ? null : Number(r.added_change),
  }));
}

/** The logged places (JSON text) of some of the account's photos: only those a report lists need more than a label. */
export async function loggedPlaces(db: Queryable, accountId: string, photoIds: readonly string[]) {
  const out = new Map<string, string>();
  for (let i = 0; i < photoIds.length; i += 500) {
    const rows = await db
      .selectFrom('evidence_uploads')
      .select(['photo_id', 'place'])
      .where('account_id', '=', accountId)
      .where('photo_id', 'in', photoIds.slice(i, i + 500))
      .where('place', 'is not', null)
      .execute();
    for (const r of rows) if (r.place !== null) out.set(r.photo_id, r.place);
  }
  return out;
}
