// Reading stored events (migration 0024's compact rows) back as what was committed: the kind's name, the body, and
// the exact canonical text the leaf commits to. Every reader of audit_events goes through here, with the terms its
// rows name (audit.terms.ts loadTerms: one query per page of rows).
import { sql, type RawBuilder } from 'kysely';
import { RiskFlag } from '@shoebox/shared';
import type { JsonObject } from '@shoebox/shared/canonical-json';
import { decodeStored, type TermValue } from './audit.codec.ts';
import { kindName } from './audit.kind-codes.ts';
import { eventText } from './audit.leaf.ts';
import { AuditIntegrityError } from './audit.tree.ts';

export { loadTerms } from './audit.terms.ts';
export type { TermValue } from './audit.codec.ts';

export interface StoredRow {
  seq: number;
  kind: number | null;
  body: Uint8Array | null;
  created_at: number;
}

export interface OpenedEvent {
  kind: string;
  body: JsonObject;
  /** The committed text: canonical JSON {v, seq, kind, at, body}. */
  text: string;
}

/**
 * The event a row holds, or null when its owner was forgotten (no kind or body left). Throws RangeError for a row no
 * release could have written (an unknown kind code, undecodable bytes, a term that is missing): a tampered row.
 */
export function openRow(row: StoredRow, terms: TermValue): OpenedEvent | null {
  if (row.kind === null || row.body === null) return null;
  const kind = kindName(row.kind);
  if (kind === undefined) throw new RangeError(`audit entry ${row.seq} has unknown kind code ${row.kind}`);
  const stored = decodeStored(row.body, terms);
  if ('body' in stored) {
    return {
      kind,
      body: stored.body,
      text: eventText(Number(row.seq), Number(row.created_at), { kind, body: stored.body }),
    };
  }
  const parsed = JSON.parse(stored.eventText) as { body?: JsonObject };
  return { kind, body: parsed.body ?? {}, text: stored.eventText };
}

/** Like openRow, but a row that cannot be opened is an AuditIntegrityError (the log is damaged): for checks and proofs. */
export function openOrFail(row: StoredRow, terms: TermValue): OpenedEvent | null {
  try {
    return openRow(row, terms);
  } catch (err) {
    throw new AuditIntegrityError(`audit entry ${Number(row.seq)} cannot be read: ${(err as Error).message}`);
  }
}

/** Like openRow, but a row that cannot be opened for any reason reads as forgotten (for listings, not checks). */
export function readRow(row: StoredRow, terms: TermValue): OpenedEvent | null {
  try {
    return openRow(row, terms);
  } catch {
    return null;
  }
}

/** Subquery for `.where('owner', '=', ownerOf(id))`: the stored number of `accountId` (null if it never had a key). */
export function ownerOf(accountId: string): RawBuilder<number> {
  return sql<number>`(select no from audit_owners where account_id = ${accountId})`;
}

/** The risk signals a logged sign-in raised; entries recorded before risk signals existed have none. */
export function riskFlagsIn(body: Readonly<Record<string, unknown>>): RiskFlag[] {
  const flags: unknown = body['riskFlags'];
  if (!Array.isArray(flags)) return [];
  return (flags as unknown[]).filter((f): f is RiskFlag => RiskFlag.safeParse(f).success);
}
