// Event kinds as stored (audit_events.kind since migration 0024): one small integer each instead of its name.
import { KIND_NAMES_0024 } from '../adapters/db/migrations/0024-audit-compact.ts';
import type { AuditKind } from './audit.kinds.ts';
import type { VOID_KIND } from './audit.leaf.ts';

/**
 * Kinds by code: the list migration 0024 numbered, then kinds added since. Append only: stored rows name kinds by
 * their index here, so an entry may never move or change.
 */
const KIND_NAMES = [...KIND_NAMES_0024] as const satisfies readonly (AuditKind | typeof VOID_KIND)[];

// Fails to compile when a kind is added to AuditBodies but not here.
type Missing = Exclude<AuditKind, (typeof KIND_NAMES)[number]>;
const _allKindsCoded: [Missing] extends [never] ? true : Missing = true;

const CODES = new Map<string, number>(KIND_NAMES.map((k, i) => [k, i]));

export const VOID_KIND_CODE = 0;

export function kindCode(kind: string): number {
  const code = CODES.get(kind);
  if (code === undefined) throw new RangeError(`no stored code for audit kind ${kind}`);
  return code;
}

export function kindCodes(kinds: readonly string[]): number[] {
  return kinds.map(kindCode);
}

/** The kind stored as `code`; undefined for a code no release wrote (a tampered row). */
export function kindName(code: number): string | undefined {
  return KIND_NAMES[code];
}
