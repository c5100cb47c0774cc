// Admins review what was brought into and looked at in the fleet and account records: the committed imports,
// and every staff look at an account (server-wide, from the audit log's staff.accessed entries).
import type { FleetImportKind, FleetImportRecord, StaffLook, StaffLookPage } from '@shoebox/shared';
import type { Db, Queryable } from '../adapters/db/database.ts';
import { requireAdmin } from '../accounts/accounts.service.ts';
import { loadTerms, readRow } from '../audit/audit.event-row.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';
import { SERVER_KEY_ID } from '../audit/audit.store.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';

const MAX_IMPORTS = 200;

async function emailsOf(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('accounts').select(['id', 'email']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

export function createFleetReviewService({ db }: { db: Db }) {
  function adminOnTrustedDevice(actor: Principal): void {
    requireTrusted(actor);
    requireAdmin(actor);
  }

  return {
    /** The latest committed imports, newest first. */
    async imports(actor: Principal): Promise<FleetImportRecord[]> {
      adminOnTrustedDevice(actor);
      const rows = await db
        .selectFrom('fleet_imports')
        .selectAll()
        .orderBy('imported_at', 'desc')
        .orderBy('id', 'desc')
        .limit(MAX_IMPORTS)
        .execute();
      const emails = await emailsOf(
        db,
        rows.map((r) => r.imported_by),
      );
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind as FleetImportKind,
        fileName: r.file_name,
        sha256: r.sha256,
        rows: Number(r.row_count),
        imported: Number(r.imported_count),
        duplicates: Number(r.row_count) - Number(r.imported_count),
        importedAt: iso(Number(r.imported_at)),
        importedBy: { id: r.imported_by, email: emails.get(r.imported_by) ?? null },
      }));
    },

    /** Staff looks, newest first, `limit` at a time before audit sequence number `before`. */
    async staffLooks(actor: Principal, limit: number, before?: number): Promise<StaffLookPage> {
      adminOnTrustedDevice(actor);
      let query = db
        .selectFrom('audit_all_events as e')
        .leftJoin('audit_owners as o', 'o.no', 'e.owner')
        .select(['e.seq', 'e.kind', 'e.body', 'e.created_at', 'o.account_id'])
        .where('e.kind', '=', kindCode('staff.accessed'))
        .orderBy('e.seq', 'desc')
        .limit(limit + 1);
      if (before !== undefined) query = query.where('e.seq', '<', before).where('e.span_first', '<', before);
      const rows = await query.execute();
      const terms = await loadTerms(db, rows.slice(0, limit));
      const page = rows.slice(0, limit).flatMap((r) => {
        const body = readRow(r, terms)?.body;
        if (!body) return []; // forgotten with its account
        const text = (k: string) => (typeof body[k] === 'string' ? body[k] : null);
        // A look at no particular account is logged under the server's own key.
        const accountId = r.account_id === SERVER_KEY_ID ? null : r.account_id;
        return [{ seq: Number(r.seq), at: Number(r.created_at), accountId, body, text }];
      });
      const emails = await emailsOf(db, [
        ...page.flatMap((p) => (p.accountId ? [p.accountId] : [])),
        ...page.flatMap((p) => p.text('staffAccountId') ?? []),
      ]);
      const items: StaffLook[] = page.map((p) => {
        const staffId = p.text('staffAccountId') ?? '';
        return {
          seq: p.seq,
          at: iso(p.at),
          staff: { id: staffId, email: emails.get(staffId) ?? null },
          account: p.accountId ? { id: p.accountId, email: emails.get(p.accountId) ?? null } : null,
          reason: p.text('reason') ?? '',
          scope: p.text('scope') ?? '',
          ip: p.text('ip'),
        };
      });
      const last = items.at(-1);
      return { items, nextBefore: rows.length > limit && last ? last.seq : null };
    },
  };
}

export type FleetReviewService = ReturnType<typeof createFleetReviewService>;
