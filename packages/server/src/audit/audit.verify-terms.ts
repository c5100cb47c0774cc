// The audit terms' part of the full verification (audit.verify.ts): the terms a page of events names are loaded once
// for opening them, each must belong to the event's own owner, and — on a pass from the start — every stored term
// must be named by some event, so a term moved to another account or added by hand is caught like an event would be.
import type { AuditDb } from './audit.db.ts';
import type { TermValue } from './audit.codec.ts';
import { termRefs } from './audit.codec.ts';
import { loadTermRows, termResolver } from './audit.terms.ts';
import { AuditIntegrityError } from './audit.tree.ts';

interface PageRow {
  seq: number;
  owner: number | null;
  body: Uint8Array | null;
}

const PAGE = 5000;

/** `whole`: the pass starts at the first entry, so every term in use is seen. */
export function createTermCheck(db: AuditDb, whole: boolean) {
  const named = new Set<number>();

  /**
   * Which terms of `candidates` an event of their owners names now: a term committed during the pass came with its
   * event, whose seq may lie anywhere the pass had already read (a hole another instance's transaction filled since).
   */
  async function namedLater(candidates: Map<number, number>): Promise<Set<number>> {
    const found = new Set<number>();
    for (const owner of new Set(candidates.values())) {
      const rows = await db
        .selectFrom('audit_all_events')
        .select('body')
        .where('owner', '=', owner)
        .execute();
      for (const r of rows) if (r.body) for (const no of safeRefs(r.body)) found.add(no);
    }
    return found;
  }

  return {
    /** The terms a page of events names, checked to be their owners'. */
    async page(rows: readonly PageRow[]): Promise<TermValue> {
      const terms = await loadTermRows(db, rows);
      for (const r of rows) {
        if (r.body === null) continue;
        for (const no of safeRefs(r.body)) {
          named.add(no);
          const term = terms.get(no);
          if (term && term.owner !== r.owner)
            throw new AuditIntegrityError(`audit event ${r.seq} names term ${no} of another owner`);
        }
      }
      return termResolver(terms);
    },

    /** After the last page: no stored term may be named by none. */
    async end(): Promise<void> {
      if (!whole) return;
      for (let after = 0; ;) {
        const rows = await db
          .selectFrom('audit_terms')
          .select(['no', 'owner'])
          .where('no', '>', after)
          .orderBy('no')
          .limit(PAGE)
          .execute();
        const unnamed = new Map(
          rows.filter((t) => !named.has(Number(t.no))).map((t) => [Number(t.no), Number(t.owner)]),
        );
        if (unnamed.size > 0) {
          const later = await namedLater(unnamed);
          const stray = [...unnamed.keys()].find((no) => !later.has(no));
          if (stray !== undefined) throw new AuditIntegrityError(`audit term ${stray} is named by no event`);
        }
        const last = rows.at(-1);
        if (!last || rows.length < PAGE) return;
        after = Number(last.no);
      }
    },
  };
}

/** A body's term numbers; none when it cannot be decoded (opening the event reports that). */
function safeRefs(body: Uint8Array): number[] {
  try {
    return termRefs(body);
  } catch {
    return [];
  }
}
