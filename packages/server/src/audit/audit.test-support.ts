// Helpers for the audit tests: a migrated database, sample events, and a device-side verifier
// written only against the public API shapes and the shared verifiers, as a client would be.
import { createHash, randomUUID } from 'node:crypto';
import {
  fromBase64,
  leafHash,
  openCheckpoint,
  verifyInclusion,
  type Checkpoint,
} from '@shoebox/shared/merkle/index';
import { sql } from 'kysely';
import type { DialectName } from '../adapters/db/database.ts';
import { openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import type { JsonObject } from '@shoebox/shared/canonical-json';
import { auditLeaf, carriesTag } from '@shoebox/shared/audit-leaf/index';
import { decodeBody, encodeBody } from './audit.codec.ts';
import { auditDb, type AuditDb } from './audit.db.ts';
import { loadTerms } from './audit.terms.ts';
import { createTreeExtender, type TreeExtender } from './audit.extend.ts';
import type { AuditInput } from './audit.kinds.ts';
import type { AuditLog } from './audit.log.ts';
import type { AuditEvent, AuditInclusionProof } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';
import type { Principal } from '../platform/principal.ts';

/** A fresh, migrated database (the audit tables come with the regular migrations). */
export function openAuditTestDb(dialect: DialectName): Promise<TestDatabase> {
  return openTestDatabase(dialect);
}

/** Empties the log: its tables, the stored tree size and (PostgreSQL) the seq sequence, so seqs start at 0 again. */
export async function resetAuditLog(db: TestDatabase): Promise<void> {
  const q = auditDb(db.db);
  for (const t of [
    'audit_keys',
    'audit_events',
    'audit_owners',
    'audit_terms',
    'audit_leaves',
    'audit_leaf_blocks',
    'audit_event_blocks',
    'audit_nodes',
    'audit_checkpoints',
    'audit_tree',
  ] as const)
    await q.deleteFrom(t).execute();
  if (db.dialect === 'postgres') await sql`select setval('audit_seq', 0, false)`.execute(db.db);
}

const extenders = new WeakMap<object, TreeExtender>();

/**
 * One round of the checkpoint signer's tree extension (one extender per database, so that a hole is voided in the
 * second round that sees it free); returns the stored tree size.
 */
export async function extendTree(db: TestDatabase): Promise<number> {
  let extender = extenders.get(db.db);
  if (!extender) {
    extender = createTreeExtender({ db: db.db, features: db.features, clock: { now: () => Date.now() } });
    extenders.set(db.db, extender);
  }
  return (await extender.extend()).size;
}

export function upload(accountId: string | null, n = 0): AuditInput {
  return {
    accountId,
    kind: 'photo.uploaded',
    body: {
      photoId: `photo-${n}-${randomUUID()}`,
      sha256: createHash('sha256').update(String(n)).digest('hex'),
      deviceId: 'device-secret-name',
      sessionId: 'session-1',
      ip: '203.0.113.77',
      place: null,
    },
  };
}

/** Appends `count` events for the given accounts (round robin) in one transaction. */
export async function appendBatch(
  db: TestDatabase,
  log: AuditLog,
  accounts: readonly (string | null)[],
  count: number,
): Promise<number[]> {
  return db.db.transaction().execute(async (trx) => {
    const seqs: number[] = [];
    for (let i = 0; i < count; i++)
      seqs.push((await log.record(trx, upload(accounts[i % accounts.length] ?? null, i))).seq);
    return seqs;
  });
}

/** What a device checks for one of its events; returns the reason it fails, or undefined. */
export function deviceCheck(
  item: AuditEvent,
  key: Uint8Array,
  proof: AuditInclusionProof,
  note: string,
  vkey: string,
): string | undefined {
  const opened = openCheckpoint(note, vkey);
  if (!opened.ok) return opened.reason;
  const cp: Checkpoint = opened.checkpoint;
  const served = fromBase64(item.leaf);
  const leaf = Buffer.from(auditLeaf(key, item.seq, fromBase64(item.salt), item.event, served));
  const parsed = JSON.parse(item.event) as { seq: number; kind: string };
  if (parsed.seq !== item.seq || parsed.kind !== item.kind) return 'event text does not match its seq/kind';
  if (!leaf.equals(served)) return 'leaf does not open';
  if (proof.seq !== item.seq || proof.size !== cp.size) return 'proof is for another entry or size';
  const ok = verifyInclusion(leafHash(leaf), item.seq, cp.size, proof.proof.map(fromBase64), cp.rootHash);
  return ok.ok ? undefined : ok.reason;
}

/** Seqs in [0, leaves.length) whose tag is ours: the tag scan. */
export function scanTags(leaves: readonly string[], from: number, key: Uint8Array): number[] {
  const mine: number[] = [];
  leaves.forEach((b64, i) => {
    if (carriesTag(fromBase64(b64), key, from + i)) mine.push(from + i);
  });
  return mine;
}

/** A signed-in, trusted principal of the account, enough for the audit service. */
export function trustedPrincipal(accountId: string): Principal {
  const device = { id: `device-of-${accountId}`, account_id: accountId, status: 'trusted' };
  return {
    account: { id: accountId, role: 'user' },
    device,
    session: { id: `session-of-${accountId}` },
    ip: null,
  } as unknown as Principal;
}

/** Everything a device does on sync: open each of its events, prove it included, scan for undisclosed tags. */
export async function deviceAudit(service: AuditService, accountId: string): Promise<string[]> {
  const actor = trustedPrincipal(accountId);
  const problems: string[] = [];
  const cp = await service.checkpoint(actor);
  const key = fromBase64((await service.key(actor)).key);
  const listed = new Set<number>();
  for (let cursor: string | undefined, more = true; more;) {
    const page = await service.events(actor, cursor, 50);
    for (const item of page.items.filter((i) => i.seq < cp.size)) {
      listed.add(item.seq);
      const proof = await service.inclusion(actor, item.seq, cp.size).catch((e: Error) => e);
      if (proof instanceof Error) problems.push(`${item.seq}: ${proof.message}`);
      else {
        const failed = deviceCheck(item, key, proof, cp.note, cp.verifierKey);
        if (failed) problems.push(`${item.seq}: ${failed}`);
      }
    }
    cursor = page.cursor ?? undefined;
    more = page.hasMore;
  }
  for (let from = 0; from < cp.size; from += 1000) {
    const page = await service.leaves(actor, from, Math.min(cp.size, from + 1000)).catch((e: Error) => e);
    if (page instanceof Error) {
      problems.push(`leaves from ${from}: ${page.message}`);
      continue;
    }
    for (const seq of scanTags(page.leaves, from, key))
      if (!listed.has(seq)) problems.push(`${seq}: undisclosed`);
  }
  return problems;
}

export type Table = 'audit_events' | 'audit_leaves' | 'audit_nodes' | 'audit_terms';
/** Each audit table's key column and the column holding its data (what a tampering test changes). */
export const keyOf = {
  audit_events: 'seq',
  audit_leaves: 'seq',
  audit_nodes: 'id',
  audit_terms: 'no',
} as const;
export const dataOf = {
  audit_events: 'body',
  audit_leaves: 'leaf',
  audit_nodes: 'hash',
  audit_terms: 'value',
} as const;

/** Swaps the contents of two rows (keeps their keys): a reordering. Rows are re-inserted (terms' values are unique). */
export async function swap(db: AuditDb, table: Table, a: number, b: number): Promise<void> {
  const key = keyOf[table];
  const rows = (await db
    .selectFrom(table)
    .selectAll()
    .where(key as never, 'in', [a, b] as never)
    .execute()) as Record<string, unknown>[];
  const [ra, rb] = [rows.find((r) => Number(r[key]) === a), rows.find((r) => Number(r[key]) === b)];
  if (!ra || !rb) throw new Error('rows to swap not found');
  const { [key]: _a, ...va } = ra;
  const { [key]: _b, ...vb } = rb;
  await db
    .deleteFrom(table)
    .where(key as never, 'in', [a, b] as never)
    .execute();
  await db
    .insertInto(table)
    .values([
      { ...vb, [key]: a },
      { ...va, [key]: b },
    ] as never)
    .execute();
}

/** An event's stored body with `from` replaced by `to` in its JSON; throws if it does not contain `from`. */
export async function rewrittenBody(
  db: AuditDb,
  stored: Uint8Array,
  from: string,
  to: string,
): Promise<Buffer> {
  const text = JSON.stringify(decodeBody(stored, await loadTerms(db, [{ body: stored }])));
  if (!text.includes(from)) throw new Error(`the event body does not contain ${from}`);
  return encodeBody(JSON.parse(text.replace(from, to)) as JsonObject);
}

/** An event's stored body with one more field: still a well-formed body, but not the committed one. */
export async function alteredBody(db: AuditDb, stored: Uint8Array): Promise<Buffer> {
  return encodeBody({ ...decodeBody(stored, await loadTerms(db, [{ body: stored }])), altered: true });
}

/** Flips one bit of a row's data (or rewrites an IP in an event's body, re-encoded as the log stores bodies). */
export async function change(db: AuditDb, table: Table, at: number): Promise<void> {
  const key = keyOf[table];
  const data = dataOf[table];
  const row = (await db
    .selectFrom(table)
    .selectAll()
    .where(key as never, '=', at as never)
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  const value = row[data];
  const changed =
    table === 'audit_events'
      ? await rewrittenBody(db, value as Uint8Array, '203.0.113.77', '198.51.100.1')
      : Buffer.from(value as Uint8Array).map((b, i, all) => (i === Math.min(20, all.length - 1) ? b ^ 1 : b));
  await db
    .updateTable(table)
    .set({ [data]: changed } as never)
    .where(key as never, '=', at as never)
    .execute();
}
