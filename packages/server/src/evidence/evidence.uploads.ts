// The narrow index of logged uploads (evidence_uploads, migration 0015): one row per photo, written in the
// upload's own transaction beside its photo.uploaded entry, so explain over 100,000 photos reads one joined row
// per photo rather than parsing 100,000 log bodies. Every row is derived from a committed entry, whose seq it
// keeps (unique: one entry vouches for one photo) and which explain cites; devices check the cited entries.
import { sql } from 'kysely';
import { selectArrays } from '../adapters/db/array-rows.ts';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { AuditBodies } from '../audit/audit.kinds.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import { notFound } from '../errors.ts';
import type { EvidencePhotoRow, LoggedEvent } from './evidence.store.ts';

/** A photo with what the index holds of its logged upload (none: the log has no upload for it). */
export interface IndexedPhoto {
  photo: EvidencePhotoRow;
  /** Built from the index row: photoId, sha256, deviceId, sessionId, ip, and place as `{label}` only. */
  upload: LoggedEvent | undefined;
  added: number | null;
  /**
   * False when the photo's and its upload's SHA-256 were not read (both UNREAD_SHA256) because the logged upload
   * agrees with the photo: a flag, not the value, tells them apart, since a tampered photo row may hold ''.
   */
  sha256Read: boolean;
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
    // Just appended in this transaction: a hot row (only entries a committed tree covers are ever packed).
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
 * The account's photos (or one) with their indexed uploads: one query, one row per photo, as few columns as will
 * do — on SQLite each column of 100,000 rows costs ~40 ms, which is most of what explain costs. So a photo whose
 * logged upload names its content, device and session comes back without its SHA-256: photo and upload both carry
 * UNREAD_SHA256 (equal, so no content-differs; `sha256Read` false) and explain reads the listed photos' hashes
 * from the index later (loggedDetails: the logged hash, which is the photo's, and which purging the photo
 * meanwhile does not remove).
 * The rare photo whose upload disagrees gets the logged values from the index in a second query. A photo with an
 * upload is dated by it (`uploaded_at` is the logged time); one without has its own address and hash.
 */
export const UNREAD_SHA256 = '';

export async function indexedPhotos(
  db: Queryable,
  accountId: string,
  photoId?: string,
): Promise<IndexedPhoto[]> {
  let q = db
    .selectFrom('photos as p')
    .leftJoin('evidence_uploads as e', (j) =>
      j.onRef('e.account_id', '=', 'p.account_id').onRef('e.photo_id', '=', 'p.id'),
    )
    .select(['p.id', 'p.upload_device_id', 'p.upload_session_id', 'p.change_id'])
    .select(['e.seq', 'e.place_label', 'e.added_change'])
    .select(sql<number>`coalesce(e.at, p.uploaded_at)`.as('at'))
    .select(sql<string | null>`case when e.seq is null then p.upload_ip else e.ip end`.as('ip'))
    // NULL = NULL is not true, so a photo without an indexed upload gets its hash too.
    .select(
      sql<string | null>`case when e.sha256 = p.sha256 and e.device_id = p.upload_device_id
        and e.session_id = p.upload_session_id then null else p.sha256 end`.as('own_sha256'),
    )
    .where('p.account_id', '=', accountId);
  if (photoId !== undefined) q = q.where('p.id', '=', photoId);
  // As arrays, the selected columns in order: a row object per photo cost a fifth of explain on SQLite.
  const rows = (await selectArrays(db, q)) as PhotoRow[];
  const disagreeing = rows.filter((r) => r[SEQ] !== null && r[OWN_SHA256] !== null).map((r) => r[ID]);
  const logged = await loggedUploads(db, accountId, disagreeing);
  // A library has a few places: one object per label rather than per photo (less garbage to collect).
  const places = new Map<string, { label: string }>();
  const placeOf = (label: string) => {
    const known = places.get(label);
    if (known) return known;
    const place = { label };
    places.set(label, place);
    return place;
  };
  return rows.map(
    ([id, deviceId, sessionId, changeId, seq, placeLabel, addedChange, time, ip, ownSha256]) => {
      const at = Number(time);
      const differs = ownSha256 === null ? undefined : logged.get(id);
      if (seq !== null && ownSha256 !== null && !differs) throw notFound('Account');
      return {
        photo: {
          id,
          account_id: accountId,
          sha256: ownSha256 ?? UNREAD_SHA256,
          uploaded_at: at,
          upload_device_id: deviceId,
          upload_session_id: sessionId,
          upload_ip: seq === null ? ip : null,
          upload_place: null,
          change_id: Number(changeId),
        },
        upload:
          seq === null
            ? undefined
            : {
                seq: Number(seq),
                kind: 'photo.uploaded',
                at,
                body: {
                  photoId: id,
                  sha256: differs?.sha256 ?? UNREAD_SHA256,
                  deviceId: differs?.device_id ?? deviceId,
                  sessionId: differs?.session_id ?? sessionId,
                  ip,
                  place: placeLabel === null ? null : placeOf(placeLabel),
                },
              },
        added: addedChange === null ? null : Number(addedChange),
        sha256Read: ownSha256 !== null,
      };
    },
  );
}

/** indexedPhotos' row: its selected columns, in order. */
type PhotoRow = [
  id: string,
  deviceId: string,
  sessionId: string,
  changeId: number,
  seq: number | null,
  placeLabel: string | null,
  addedChange: number | null,
  at: number,
  ip: string | null,
  ownSha256: string | null,
];
const [ID, SEQ, OWN_SHA256] = [0, 4, 9] as const;

/**
 * The logged content, device and session of some of the account’s photos. Shoebox never changes these columns of
 * an index row (a rebuild sets added_change only), and index rows go only with the account, so a photo missing
 * here was in an account deleted since the first query.
 */
async function loggedUploads(db: Queryable, accountId: string, photoIds: readonly string[]) {
  const out = new Map<string, { sha256: string; device_id: string; session_id: string }>();
  for (let i = 0; i < photoIds.length; i += 500) {
    const rows = await db
      .selectFrom('evidence_uploads')
      .select(['photo_id', 'sha256', 'device_id', 'session_id'])
      .where('account_id', '=', accountId)
      .where('photo_id', 'in', photoIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.photo_id, r);
  }
  return out;
}

/** What the index logged of some of the account's photos: only those a report lists need it. */
export interface LoggedDetail {
  sha256: string;
  /** The whole logged place as JSON text, or null. */
  place: string | null;
}

/** The logged hash and place of some of the account's photos (those a report lists). */
export async function loggedDetails(db: Queryable, accountId: string, photoIds: readonly string[]) {
  const out = new Map<string, LoggedDetail>();
  for (let i = 0; i < photoIds.length; i += 500) {
    const rows = await db
      .selectFrom('evidence_uploads')
      .select(['photo_id', 'sha256', 'place'])
      .where('account_id', '=', accountId)
      .where('photo_id', 'in', photoIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.photo_id, { sha256: r.sha256, place: r.place });
  }
  return out;
}
