// Checking stored log data against the signed checkpoints. verifyHead is the quick start-up
// check (O(log n) reads); verifyEverything re-derives every node, leaf and checkpoint root from
// the openable events in one pass: O(n) from the start, or only the entries after the last verified head.
import { Frontier, bytesEqual, leafHash, openCheckpoint, toHex } from '@shoebox/shared/merkle/index';
import type { AuditDb } from './audit.db.ts';
import { openOrFail, type TermValue } from './audit.event-row.ts';
import { createTermCheck } from './audit.verify-terms.ts';
import { VOID_KIND_CODE } from './audit.kind-codes.ts';
import { derivedSalt, opensLeaf, voidLeaf } from './audit.leaf.ts';
import { eventRange, leafRange } from './audit.rows.ts';
import type { StoredCheckpoint } from './audit.store.ts';
import type { VerifiedHead } from './audit.verify-mark.ts';
import {
  AuditIntegrityError,
  STORED_LEVEL,
  loadFrontier,
  nodeRowId,
  rootAt,
  storedNodeCount,
  treeSize,
} from './audit.tree.ts';

const PAGE = 5000;

/**
 * Checks of data derived from the log that ride the full verification's single pass (the evidence upload index):
 * `page` sees each page of verified events, `end` the final size. Either throws AuditIntegrityError to refuse.
 */
export interface DerivedCheck {
  page(from: number, to: number, events: readonly EventRow[], terms: TermValue): Promise<void>;
  end(size: number): Promise<void>;
}

/** The checkpoint must be ours and the stored tree must still hash to it. */
export async function verifyHead(db: AuditDb, cp: StoredCheckpoint, vkey: string): Promise<void> {
  checkNote(cp, vkey);
  const size = await treeSize(db);
  if (size < cp.size) {
    throw new AuditIntegrityError(
      `audit log has ${size} entries but its last checkpoint covers ${cp.size} (restored from an older backup?)`,
    );
  }
  const root = await rootAt(db, cp.size);
  if (!bytesEqual(root, cp.root)) {
    throw new AuditIntegrityError(
      `audit log tree at size ${cp.size} hashes to ${toHex(root)}, but its checkpoint says ${toHex(cp.root)}`,
    );
  }
  // Appends start from the current right edge: it must be readable too.
  await loadFrontier(db, size);
}

function checkNote(cp: StoredCheckpoint, vkey: string): void {
  const opened = openCheckpoint(cp.note, vkey);
  if (!opened.ok)
    throw new AuditIntegrityError(`audit checkpoint ${cp.size} does not verify: ${opened.reason}`);
  const { size, rootHash } = opened.checkpoint;
  if (size !== cp.size || !bytesEqual(rootHash, cp.root)) {
    throw new AuditIntegrityError(`audit checkpoint ${cp.size} row does not match its signed note`);
  }
}

/**
 * Every leaf is opened by its event, every stored node recomputed, every checkpoint re-derived: from the start, or
 * only after `since`, a head an earlier pass verified (the stored tree must still hash to it there). Returns the head
 * it verified up to.
 */
export async function verifyEverything(
  db: AuditDb,
  vkey: string,
  derived?: DerivedCheck,
  since?: VerifiedHead,
  checkBlocks?: BlockCheck,
): Promise<VerifiedHead> {
  const size = await treeSize(db);
  const start = since?.size ?? 0;
  if (start > size)
    throw new AuditIntegrityError(`audit log has ${size} entries but ${start} were verified before`);
  // Packed blocks holding entries the pass reads must have the packer's shape (PostgreSQL; adapters/db).
  const badBlock = await checkBlocks?.(start, size);
  if (badBlock) throw new AuditIntegrityError(badBlock);
  const frontier = start === 0 ? Frontier.empty() : await loadFrontier(db, start);
  if (since && !bytesEqual(frontier.root(), since.root))
    throw new AuditIntegrityError(`audit log tree at size ${start} no longer hashes to what was verified`);
  const checkpoints = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('size', '>=', start)
    .orderBy('size')
    .execute();
  const keys = await ownerKeys(db);
  const termCheck = createTermCheck(db, start === 0);
  let next = 0;
  const checkRoot = () => {
    while (checkpoints[next] && Number(checkpoints[next]?.size) === frontier.size) {
      const row = checkpoints[next++];
      if (!row) break;
      const cp = {
        size: Number(row.size),
        root: row.root,
        note: row.note,
        createdAt: Number(row.created_at),
      };
      checkNote(cp, vkey);
      if (!bytesEqual(frontier.root(), cp.root))
        throw new AuditIntegrityError(`audit checkpoint ${cp.size} does not match the leaves`);
    }
  };
  checkRoot();
  for (let from = start; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    const [leaves, events, nodes] = await Promise.all([
      leafRange(db, from, to),
      eventRange(db, from, to).then((rows) => rows.map((r) => withAccount(r, keys))),
      db
        .selectFrom('audit_nodes')
        .selectAll()
        .where('id', '>=', storedNodeCount(from))
        .where('id', '<', storedNodeCount(to))
        .orderBy('id')
        .execute(),
    ]);
    // Positions are seqs: one entry stored twice (a copied row or block) shifts the rest and fails below too.
    if (leaves.length !== to - from) throw new AuditIntegrityError(stray('leaf', leaves, from));
    if (events.length !== to - from) throw new AuditIntegrityError(stray('event', events, from));
    const terms = await termCheck.page(events);
    const storedNodes = new Map(nodes.map((n) => [Number(n.id), n.hash]));
    if (nodes.length !== storedNodes.size) throw new AuditIntegrityError('duplicate audit node rows');
    for (let seq = from; seq < to; seq++) {
      const leaf = leaves[seq - from];
      const event = events[seq - from];
      if (!leaf || Number(leaf.seq) !== seq) throw new AuditIntegrityError(`audit leaf ${seq} is missing`);
      if (!event || Number(event.seq) !== seq) throw new AuditIntegrityError(`audit event ${seq} is missing`);
      checkEvent(seq, event, leaf.leaf, keys, terms);
      for (const node of frontier.append(leafHash(leaf.leaf))) {
        if (node.level < STORED_LEVEL) continue;
        const stored = storedNodes.get(nodeRowId(node.level, node.index));
        if (!stored || !bytesEqual(stored, node.hash)) {
          throw new AuditIntegrityError(
            `audit node (${node.level}, ${node.index}) does not match the leaves under it`,
          );
        }
      }
      checkRoot();
    }
    await derived?.page(from, to, events, terms);
  }
  // Entries appended beyond the tree are checked too, and derived data may name them.
  const end = await checkPending(db, size, keys, termCheck, derived);
  await termCheck.end();
  await derived?.end(end);
  if (next < checkpoints.length)
    throw new AuditIntegrityError(`audit checkpoint beyond the ${size} stored leaves`);
  return { size, root: frontier.root() };
}

/** What is wrong with a page of `what` rows that is not one row per seq from `from` on: the first seq missing or repeated. */
function stray(what: string, rows: readonly { seq: number }[], from: number): string {
  const at = rows.findIndex((r, i) => Number(r.seq) !== from + i);
  if (at === -1) return `audit ${what} ${from + rows.length} is missing`;
  const found = Number(rows[at]?.seq);
  return found < from + at
    ? `audit ${what} ${found} is stored twice`
    : `audit ${what} ${from + at} is missing`;
}

/** The first packed block holding entries at or above `from` not shaped as the packer writes them, described. */
export type BlockCheck = (from: number, size: number) => Promise<string | undefined>;

/** A stored event row as the full check hands it on: with its owner's account id resolved. */
export type EventRow = {
  seq: number;
  owner: number | null;
  /** The owner's account id (SERVER_KEY_ID for the server's own entries); null for a void entry or no such owner. */
  account_id: string | null;
  kind: number | null;
  body: Uint8Array | null;
  salt: Uint8Array | null;
  created_at: number;
};

/** Every owner number, with its account id and its key (none once forgotten). */
type OwnerKeys = Map<number, { accountId: string; key: Uint8Array | undefined }>;

async function ownerKeys(db: AuditDb): Promise<OwnerKeys> {
  const rows = await db
    .selectFrom('audit_owners as o')
    .leftJoin('audit_keys as k', 'k.account_id', 'o.account_id')
    .select(['o.no', 'o.account_id', 'k.key'])
    .execute();
  return new Map(rows.map((r) => [Number(r.no), { accountId: r.account_id, key: r.key ?? undefined }]));
}

function withAccount(row: Omit<EventRow, 'account_id'>, owners: OwnerKeys): EventRow {
  const owner = row.owner === null ? null : Number(row.owner);
  const accountId = owner === null ? null : (owners.get(owner)?.accountId ?? null);
  return { ...row, seq: Number(row.seq), owner, account_id: accountId, created_at: Number(row.created_at) };
}

function checkEvent(seq: number, row: EventRow, leaf: Uint8Array, owners: OwnerKeys, terms: TermValue): void {
  if (row.kind === VOID_KIND_CODE) {
    // A seq whose transaction rolled back, filled by the signer: no owner, nothing to open, a fixed leaf.
    if (row.owner !== null || row.body !== null || row.salt !== null || !bytesEqual(leaf, voidLeaf(seq)))
      throw new AuditIntegrityError(`audit entry ${seq} is not a valid void entry`);
    return;
  }
  const owner = row.owner === null ? undefined : owners.get(row.owner);
  if (owner === undefined) throw new AuditIntegrityError(`audit event ${seq} names no known owner`);
  const { key } = owner;
  if (row.body === null || row.kind === null) {
    // Forgotten (crypto-shredded): only legitimate when the key is gone too.
    if (key !== undefined)
      throw new AuditIntegrityError(`audit event ${seq} was blanked but its account was not forgotten`);
    return;
  }
  if (key === undefined) throw new AuditIntegrityError(`audit event ${seq} does not open its leaf`);
  const { text, kind } = openOrFail(row, terms) ?? { text: '', kind: '' };
  if (!opensLeaf(leaf, key, seq, row.salt ?? derivedSalt(key, seq), text)) {
    throw new AuditIntegrityError(`audit event ${seq} does not open its leaf`);
  }
  // Rows kept verbatim from before migration 0024 carry seq, kind and time twice: both copies must agree.
  const parsed = JSON.parse(text) as { seq?: unknown; kind?: unknown; at?: unknown };
  if (parsed.seq !== seq || parsed.kind !== kind || parsed.at !== Number(row.created_at)) {
    throw new AuditIntegrityError(`audit event ${seq} columns do not match its committed text`);
  }
}

/**
 * Above the tree size: appended entries the signer has not taken into the tree yet. No node may be there; every event
 * must have its leaf and open it, and every leaf its event (one statement each: an append commits both at once).
 * `derived` sees them page by page (a seq still in flight is a hole in its page). Returns one past the last entry.
 */
async function checkPending(
  db: AuditDb,
  size: number,
  keys: OwnerKeys,
  termCheck: ReturnType<typeof createTermCheck>,
  derived: DerivedCheck | undefined,
): Promise<number> {
  const [orphanLeaf, node] = await Promise.all([
    db
      .selectFrom('audit_leaves as l')
      .leftJoin('audit_events as e', 'e.seq', 'l.seq')
      .select('l.seq')
      .where('l.seq', '>=', size)
      .where('e.seq', 'is', null)
      .executeTakeFirst(),
    db.selectFrom('audit_nodes').select('id').where('id', '>=', storedNodeCount(size)).executeTakeFirst(),
  ]);
  if (orphanLeaf) throw new AuditIntegrityError(`audit event ${Number(orphanLeaf.seq)} is missing`);
  if (node) throw new AuditIntegrityError(`audit node rows found beyond the ${size} leaves of the tree`);
  for (let after = size - 1; ;) {
    const rows = await db
      .selectFrom('audit_events as e')
      .leftJoin('audit_leaves as l', 'l.seq', 'e.seq')
      .select(['e.seq', 'e.owner', 'e.kind', 'e.body', 'e.salt', 'e.created_at', 'l.leaf'])
      .where('e.seq', '>', after)
      .orderBy('e.seq')
      .limit(PAGE)
      .execute();
    const last = rows.at(-1);
    if (!last) return after + 1;
    const page: EventRow[] = new Array<EventRow>(Number(last.seq) - after);
    const events = rows.map(({ leaf: _leaf, ...stored }) => withAccount(stored, keys));
    const terms = await termCheck.page(events);
    rows.forEach((row, i) => {
      const seq = Number(row.seq);
      if (row.leaf === null) throw new AuditIntegrityError(`audit leaf ${seq} is missing`);
      const event = events[i] as EventRow;
      checkEvent(seq, event, row.leaf, keys, terms);
      page[seq - after - 1] = event;
    });
    await derived?.page(after + 1, Number(last.seq) + 1, page, terms);
    after = Number(last.seq);
    if (rows.length < PAGE) return after + 1;
  }
}
