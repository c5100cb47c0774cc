// Reads for provenance and explain. Each is one indexed query per account, never one per photo:
// explain over 100,000 photos must stay well under a second (see bench/explain.bench.ts).
import type { Queryable } from '../adapters/db/database.ts';
import type { DeviceRow } from '../adapters/db/schema.ts';
import { mayContain } from '../audit/audit.codec.ts';
import { loadTerms, ownerOf, readRow, type StoredRow } from '../audit/audit.event-row.ts';
import { kindCode, kindCodes } from '../audit/audit.kind-codes.ts';
import { auditDb } from '../audit/audit.db.ts';
import { leavesAt } from '../audit/audit.rows.ts';

export interface EvidencePhotoRow {
  id: string;
  account_id: string;
  sha256: string;
  uploaded_at: number;
  upload_device_id: string;
  upload_session_id: string;
  upload_ip: string | null;
  upload_place: string | null;
  change_id: number;
}

export interface LoggedEvent {
  seq: number;
  kind: string;
  at: number;
  body: Record<string, unknown>;
}

/** The kinds explain reads besides uploads (trust, deliveries, album grants): few per device, so all are read. */
export const TRUST_KINDS = [
  'sign-in.succeeded',
  'enrolment.requested',
  'enrolment.approved',
  'sync.delivered',
  'album.share-granted',
  'album.share-revoked',
] as const;

/**
 * A photo of another account the viewer sees through an album (`album_id`), with the membership that lets it in:
 * the viewer's own (`member_granted_at`) or, in an album the viewer owns, that of the photo's account, who added
 * it (`owner_granted_at`). Neither: nothing shares it, the signature of a mix-up.
 */
export interface SharedPhotoRow extends EvidencePhotoRow {
  album_id: string;
  album_owner_id: string;
  member_granted_at: number | null;
  contributor_granted_at: number | null;
}

async function parse(db: Queryable, rows: StoredRow[]): Promise<LoggedEvent[]> {
  const terms = await loadTerms(db, rows);
  return rows.flatMap((r): LoggedEvent[] => {
    // Forgotten (crypto-shredded), or unreadable: the full audit verification reports the latter.
    const event = readRow(r, terms);
    return event
      ? [{ seq: Number(r.seq), kind: event.kind, at: Number(r.created_at), body: event.body }]
      : [];
  });
}

export function createEvidenceStore() {
  return {
    photos(db: Queryable, accountId: string, photoId?: string): Promise<EvidencePhotoRow[]> {
      let q = db
        .selectFrom('photos')
        .select([
          'id',
          'account_id',
          'sha256',
          'uploaded_at',
          'upload_device_id',
          'upload_session_id',
          'upload_ip',
          'upload_place',
          'change_id',
        ])
        .where('account_id', '=', accountId);
      if (photoId !== undefined) q = q.where('id', '=', photoId);
      return q.execute();
    },

    /**
     * Photos of other accounts in albums the viewer owns or is a member of (one row per album). Their upload
     * address and place are the other account's: left out.
     */
    async shared(db: Queryable, viewerId: string, photoId?: string): Promise<SharedPhotoRow[]> {
      let q = db
        .selectFrom('photos as p')
        .innerJoin('album_photos as ap', 'ap.photo_id', 'p.id')
        .innerJoin('albums as a', 'a.id', 'ap.album_id')
        .leftJoin('album_members as m', (j) =>
          j.onRef('m.album_id', '=', 'ap.album_id').on('m.account_id', '=', viewerId),
        )
        .leftJoin('album_members as c', (j) =>
          j.onRef('c.album_id', '=', 'ap.album_id').onRef('c.account_id', '=', 'p.account_id'),
        )
        .select(['p.id', 'p.account_id', 'p.sha256', 'p.uploaded_at', 'p.upload_device_id'])
        .select(['p.upload_session_id', 'p.change_id', 'ap.album_id', 'a.account_id as album_owner_id'])
        .select(['m.granted_at as member_granted_at', 'c.granted_at as contributor_granted_at'])
        .where('p.account_id', '!=', viewerId)
        .where('p.status', '=', 'active')
        .where((w) => w.or([w('a.account_id', '=', viewerId), w('m.account_id', 'is not', null)]))
        .orderBy('ap.album_id');
      if (photoId !== undefined) q = q.where('p.id', '=', photoId);
      const rows = await q.execute();
      return rows.map((r) => ({
        ...r,
        uploaded_at: Number(r.uploaded_at),
        change_id: Number(r.change_id),
        member_granted_at: r.member_granted_at === null ? null : Number(r.member_granted_at),
        contributor_granted_at: r.contributor_granted_at === null ? null : Number(r.contributor_granted_at),
        upload_ip: null,
        upload_place: null,
      }));
    },

    /** Change id at which each photo of another account last came into the viewer's feed through an album. */
    async sharedAt(db: Queryable, viewerId: string, photoId?: string): Promise<Map<string, number>> {
      let q = db
        .selectFrom('changes')
        .select(['entity_id', 'id'])
        .where('account_id', '=', viewerId)
        .where('kind', '=', 'photo.shared')
        .orderBy('id');
      if (photoId !== undefined) q = q.where('entity_id', '=', photoId);
      const rows = await q.execute();
      return new Map(rows.map((r) => [r.entity_id, Number(r.id)]));
    },

    /** Any account's devices by id: a photo may name a device that is not the account's (a mix-up). */
    async devices(db: Queryable, accountId: string, ids: readonly string[]): Promise<DeviceRow[]> {
      const own = await db.selectFrom('devices').selectAll().where('account_id', '=', accountId).execute();
      const missing = [...new Set(ids)].filter((id) => !own.some((d) => d.id === id));
      if (missing.length === 0) return own;
      const foreign = await db.selectFrom('devices').selectAll().where('id', 'in', missing).execute();
      return [...own, ...foreign];
    },

    /** Change id at which each photo entered the account's feed (what a delivery range must cover). */
    async addedAt(db: Queryable, accountId: string, photoId?: string): Promise<Map<string, number>> {
      let q = db
        .selectFrom('changes')
        .select(['entity_id', 'id'])
        .where('account_id', '=', accountId)
        .where('kind', '=', 'photo.added');
      if (photoId !== undefined) q = q.where('entity_id', '=', photoId);
      const rows = await q.execute();
      return new Map(rows.map((r) => [r.entity_id, Number(r.id)]));
    },

    async events(db: Queryable, accountId: string, kinds: readonly string[]): Promise<LoggedEvent[]> {
      const rows = await db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('owner', '=', ownerOf(accountId))
        .where('kind', 'in', kindCodes(kinds))
        .execute();
      // Sorted here: asked to order by seq, SQLite walks all of the account's entries in seq order instead of
      // the few ranges of (owner, kind, seq), which took 150 ms for 100,000 uploads.
      return (await parse(db, rows)).sort((a, b) => a.seq - b.seq);
    },

    /**
     * The upload entries of one photo (normally one). Bodies are stored packed, so SQL cannot match the photo id:
     * the account's uploads are read by the (owner, kind, seq) index and matched once decoded.
     */
    async uploadsOf(db: Queryable, accountId: string, photoId: string): Promise<LoggedEvent[]> {
      const rows = await db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('owner', '=', ownerOf(accountId))
        .where('kind', '=', kindCode('photo.uploaded'))
        .orderBy('seq')
        .execute();
      // Only bodies that can hold the id are decoded: an account may have logged 100,000 uploads.
      const candidates = rows.filter((r) => r.body !== null && mayContain(r.body, photoId));
      return (await parse(db, candidates)).filter((e) => e.body['photoId'] === photoId);
    },

    /** The account's own entries among `seqs`, with their leaves (null: the leaf row is gone). */
    async entries(db: Queryable, accountId: string, seqs: readonly number[]) {
      const events = await db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'salt', 'created_at'])
        .where('owner', '=', ownerOf(accountId))
        .where('seq', 'in', [...seqs])
        .orderBy('seq')
        .execute();
      const leaves = await leavesAt(
        auditDb(db),
        events.map((e) => Number(e.seq)),
      );
      return events.map((e) => ({ ...e, leaf: leaves.get(Number(e.seq)) ?? null }));
    },
  };
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;
