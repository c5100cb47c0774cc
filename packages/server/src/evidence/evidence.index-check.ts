// Start-up check of the upload index (evidence_uploads) against the log. The full audit verification proves the
// events open their leaves, but explain reads this index, not the events: an edited row could lend one photo's
// logged upload to another photo (or name another device, session or address) without touching the log.
import type { Queryable } from '../adapters/db/database.ts';
import { AuditIntegrityError } from '../audit/audit.tree.ts';

const PAGE = 5000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Key order does not matter: the log holds RFC 8785 text, the index what JSON.stringify wrote. */
function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameJson(v, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k in b && sameJson(a[k], b[k]));
}

interface IndexRow {
  photo_id: string;
  account_id: string;
  seq: number;
  at: number;
  device_id: string;
  session_id: string;
  sha256: string;
  ip: string | null;
  place: string | null;
  place_label: string | null;
  event_account: string | null;
  kind: string | null;
  body: string | null;
  created_at: number | null;
}

/** What differs between an index row and the entry it names, or null when they agree. */
function mismatch(r: IndexRow, forgotten: ReadonlySet<string>): string | null {
  if (r.created_at === null) return 'its audit entry does not exist';
  if (r.event_account !== r.account_id) return 'its audit entry belongs to another account';
  // Forgotten account (crypto-shredded, checked by the audit verification): nothing left to compare.
  if (r.body === null || r.kind === null)
    return forgotten.has(r.account_id) ? null : 'its audit entry is blank';
  if (r.kind !== 'photo.uploaded') return `its audit entry is a ${r.kind}`;
  const body = (JSON.parse(r.body) as { body?: Record<string, Json> }).body ?? {};
  const place = body['place'] ?? null;
  const label = place && typeof place === 'object' && !Array.isArray(place) ? (place['label'] ?? null) : null;
  const checks: [string, boolean][] = [
    ['photo', body['photoId'] === r.photo_id],
    ['SHA-256', body['sha256'] === r.sha256],
    ['device', body['deviceId'] === r.device_id],
    ['session', body['sessionId'] === r.session_id],
    ['address', (body['ip'] ?? null) === r.ip],
    [
      'place',
      sameJson(place, r.place === null ? null : (JSON.parse(r.place) as Json)) && label === r.place_label,
    ],
    ['time', Number(r.created_at) === Number(r.at)],
  ];
  const wrong = checks.filter(([, ok]) => !ok).map(([what]) => what);
  return wrong.length === 0 ? null : `its ${wrong.join(', ')} differ from its audit entry`;
}

/**
 * Throws AuditIntegrityError (the server refuses to start) unless every index row equals the `photo.uploaded`
 * entry whose seq it keeps. Rows are read in seq order, a page at a time, joined to their entries.
 */
export async function verifyUploadIndex(db: Queryable): Promise<{ rows: number }> {
  const forgotten = new Set<string>();
  const keys = new Set(
    (await db.selectFrom('audit_keys').select('account_id').execute()).map((k) => k.account_id),
  );
  let rows = 0;
  for (let after = -1; ;) {
    const page = await db
      .selectFrom('evidence_uploads as u')
      .leftJoin('audit_events as e', 'e.seq', 'u.seq')
      .select(['u.photo_id', 'u.account_id', 'u.seq', 'u.at', 'u.device_id', 'u.session_id', 'u.sha256'])
      .select(['u.ip', 'u.place', 'u.place_label', 'e.account_id as event_account', 'e.kind', 'e.body'])
      .select('e.created_at')
      .where('u.seq', '>', after)
      .orderBy('u.seq')
      .limit(PAGE)
      .execute();
    for (const r of page) {
      if (!keys.has(r.account_id)) forgotten.add(r.account_id);
      const problem = mismatch(r, forgotten);
      if (problem)
        throw new AuditIntegrityError(
          `evidence_uploads row for photo ${r.photo_id} (entry ${r.seq}) was altered: ${problem}`,
        );
    }
    rows += page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return { rows };
    after = Number(last.seq);
  }
}
