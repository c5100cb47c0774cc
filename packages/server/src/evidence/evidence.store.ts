// Reads for provenance and explain. Each is one indexed query per account, never one per photo:
// explain over 100,000 photos must stay well under a second (see bench/explain.bench.ts).
import type { Queryable } from '../adapters/db/database.ts';
import type { DeviceRow } from '../adapters/db/schema.ts';

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

/** The kinds explain reads besides uploads: few per device, so all of them are read. */
export const TRUST_KINDS = [
  'sign-in.succeeded',
  'enrolment.requested',
  'enrolment.approved',
  'sync.delivered',
] as const;

function parse(rows: { seq: number; kind: string | null; body: string | null; created_at: number }[]) {
  return rows.flatMap((r): LoggedEvent[] => {
    if (r.kind === null || r.body === null) return []; // forgotten (crypto-shredded)
    const { body } = JSON.parse(r.body) as { body: Record<string, unknown> };
    return [{ seq: Number(r.seq), kind: r.kind, at: Number(r.created_at), body }];
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
        .selectFrom('audit_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('account_id', '=', accountId)
        .where('kind', 'in', [...kinds])
        .orderBy('seq')
        .execute();
      return parse(rows);
    },

    /** The upload entries of one photo (normally one); the text match is narrowed by the account+kind index. */
    async uploadsOf(db: Queryable, accountId: string, photoId: string): Promise<LoggedEvent[]> {
      const rows = await db
        .selectFrom('audit_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('account_id', '=', accountId)
        .where('kind', '=', 'photo.uploaded')
        .where('body', 'like', `%"photoId":${JSON.stringify(photoId)}%`)
        .orderBy('seq')
        .execute();
      return parse(rows).filter((e) => e.body['photoId'] === photoId);
    },

    /** The account's own entries among `seqs`, with their leaves. */
    entries(db: Queryable, accountId: string, seqs: readonly number[]) {
      return db
        .selectFrom('audit_events as e')
        .innerJoin('audit_leaves as l', 'l.seq', 'e.seq')
        .select(['e.seq', 'e.kind', 'e.body', 'e.salt', 'l.leaf'])
        .where('e.account_id', '=', accountId)
        .where('e.seq', 'in', [...seqs])
        .orderBy('e.seq')
        .execute();
    },
  };
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;
