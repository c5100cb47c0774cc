// Start-up check of the upload index (evidence_uploads) against the log. The full audit verification proves the
// events open their leaves, but explain reads this index, not the events: an edited row could lend one photo's
// logged upload to another photo (or name another device, session or address) without touching the log.
import type { Queryable } from '../adapters/db/database.ts';
import type { EvidenceUploadsTable } from '../adapters/db/schema.ts';
import { loadTerms, openRow, type StoredRow, type TermValue } from '../audit/audit.event-row.ts';
import { AuditIntegrityError } from '../audit/audit.tree.ts';
import type { DerivedCheck } from '../audit/audit.verify.ts';

const PAGE = 5000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Key order does not matter: the log commits to RFC 8785 text, the index holds what JSON.stringify wrote. */
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

type IndexRow = Omit<EvidenceUploadsTable, 'added_change'>;
/** A stored event row with its owner's account id (audit_owners.account_id). */
type Entry = StoredRow & { account_id: string | null };

/** The entry's event; null when forgotten. A row no release could have written is itself an alteration. */
function open(e: Entry, terms: TermValue): { event: ReturnType<typeof openRow> } | { problem: string } {
  try {
    return { event: openRow(e, terms) };
  } catch (err) {
    return { problem: `its audit entry cannot be read (${(err as Error).message})` };
  }
}

/** What differs between an index row and the entry it names, or null when they agree. */
function mismatch(r: IndexRow, e: Entry | undefined, terms: TermValue): string | null {
  if (!e) return 'its audit entry does not exist';
  if (e.account_id !== r.account_id) return 'its audit entry belongs to another account';
  const opened = open(e, terms);
  if ('problem' in opened) return opened.problem;
  // A forgotten account's entry (the full audit verification refuses any other blank one): nothing to compare.
  if (opened.event === null) return null;
  if (opened.event.kind !== 'photo.uploaded') return `its audit entry is a ${opened.event.kind}`;
  const body = opened.event.body as Record<string, Json>;
  const place = body['place'] ?? null;
  const label = place && typeof place === 'object' && !Array.isArray(place) ? (place['label'] ?? null) : null;
  const logged = r.place === null ? null : (JSON.parse(r.place) as Json);
  const checks: [string, boolean][] = [
    ['photo', body['photoId'] === r.photo_id],
    ['SHA-256', body['sha256'] === r.sha256],
    ['device', body['deviceId'] === r.device_id],
    ['session', body['sessionId'] === r.session_id],
    ['address', (body['ip'] ?? null) === r.ip],
    ['place', sameJson(place, logged) && label === r.place_label],
    ['time', Number(e.created_at) === Number(r.at)],
  ];
  const wrong = checks.filter(([, ok]) => !ok).map(([what]) => what);
  return wrong.length === 0 ? null : `its ${wrong.join(', ')} differ from its audit entry`;
}

function refuse(r: IndexRow, problem: string): never {
  throw new AuditIntegrityError(
    `evidence_uploads row for photo ${r.photo_id} (entry ${r.seq}) was altered: ${problem}`,
  );
}

const COLUMNS = [
  'photo_id',
  'account_id',
  'seq',
  'at',
  'device_id',
  'session_id',
  'sha256',
  'ip',
  'place',
  'place_label',
] as const;

/**
 * The start-up check, riding the full audit verification's pass over the events it has just proven (so the bodies
 * are read once): each page's index rows must equal their entries, and no row may name an entry beyond the log.
 */
export function uploadIndexCheck(db: Queryable): DerivedCheck {
  return {
    async page(from, to, events, terms) {
      const rows = await db
        .selectFrom('evidence_uploads')
        .select(COLUMNS)
        .where('seq', '>=', from)
        .where('seq', '<', to)
        .execute();
      for (const r of rows) {
        const problem = mismatch(r, events[Number(r.seq) - from], terms);
        if (problem) refuse(r, problem);
      }
    },
    async end(size) {
      const stray = await db
        .selectFrom('evidence_uploads')
        .select(COLUMNS)
        .where((w) => w.or([w('seq', '<', 0), w('seq', '>=', size)]))
        .executeTakeFirst();
      if (stray) refuse(stray, 'its audit entry does not exist');
    },
  };
}

/**
 * The same comparison on its own (tools, tests): every index row joined to the entry whose seq it keeps, a page
 * at a time. Throws AuditIntegrityError on the first difference.
 */
export async function verifyUploadIndex(db: Queryable): Promise<{ rows: number }> {
  let rows = 0;
  for (let after = Number.MIN_SAFE_INTEGER; ;) {
    const page = await db
      .selectFrom('evidence_uploads as u')
      .leftJoin('audit_all_events as e', 'e.seq', 'u.seq')
      .leftJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(COLUMNS.map((c) => `u.${c}` as const))
      .select(['o.account_id as event_account', 'e.kind', 'e.body', 'e.created_at'])
      .where('u.seq', '>', after)
      .orderBy('u.seq')
      .limit(PAGE)
      .execute();
    const terms = await loadTerms(db, page);
    for (const r of page) {
      const entry =
        r.created_at === null ? undefined : { ...r, account_id: r.event_account, created_at: r.created_at };
      const problem = mismatch(r, entry, terms);
      if (problem) refuse(r, problem);
    }
    rows += page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return { rows };
    after = Number(last.seq);
  }
}
