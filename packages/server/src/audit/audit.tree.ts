// Reading the Merkle tree from the database. Only perfect subtrees of level >= STORED_LEVEL are
// stored (1 row per 8 entries); anything lower is recomputed from the at most 16 leaves under it.
// That keeps PostgreSQL, with its ~28-byte row overhead, well under 200 bytes per entry, while a
// proof still costs two indexed queries.
import {
  Frontier,
  consistencyProofAsync,
  inclusionProofAsync,
  leafHash,
  rootAtAsync,
  rootFromLeafHashes,
  rootPlan,
  type AsyncNodeSource,
  type NodeId,
} from '@shoebox/shared/merkle/index';
import { AppError } from '../errors.ts';
import type { AuditDb } from './audit.db.ts';
import { leavesAt } from './audit.rows.ts';

/** Lowest level kept in audit_nodes: proofs read at most 2^STORED_LEVEL leaves per missing level. */
export const STORED_LEVEL = 4;
const BLOCK = 2 ** STORED_LEVEL;

/**
 * Thrown when stored log data is missing or does not match: the server must not serve from it. An AppError so a
 * request that meets it answers `audit_log_damaged` (problem+json) rather than an opaque 500, and the device alarms.
 */
export class AuditIntegrityError extends AppError {
  constructor(message: string) {
    super('audit_log_damaged', message);
  }
}

/**
 * Dense, append-ordered row id of a stored node: Go sumdb's StoredHashIndex over the tree whose
 * leaves are the level-STORED_LEVEL nodes, so each append writes at the right edge of the index.
 */
export function nodeRowId(level: number, index: number): number {
  if (level < STORED_LEVEL) throw new RangeError(`level ${level} nodes are not stored`);
  const up = level - STORED_LEVEL;
  let n = index;
  for (let l = up; l > 0; l--) n = 2 * n + 1;
  let id = 0;
  for (; n > 0; n = Math.floor(n / 2)) id += n;
  return id + up;
}

/** Number of stored node rows for a tree of `size` leaves (the next free row id). */
export function storedNodeCount(size: number): number {
  const blocks = Math.floor(size / BLOCK);
  return blocks === 0 ? 0 : nodeRowId(STORED_LEVEL, blocks - 1) + 1 + trailingOnes(blocks - 1);
}

function trailingOnes(n: number): number {
  let count = 0;
  for (; n % 2 === 1; n = (n - 1) / 2) count++;
  return count;
}

/**
 * Leaves the stored tree covers: the dense prefix the checkpoint signer last built nodes for (audit.extend.ts).
 * Leaves above it are appended but not in the tree yet; proofs and pages answer only below it.
 */
export async function treeSize(db: AuditDb): Promise<number> {
  const row = await db.selectFrom('audit_tree').select('size').where('id', '=', 1).executeTakeFirst();
  return row ? Number(row.size) : 0;
}

/** Serves NodeIds from audit_nodes and the leaves (hot or packed) in one query each. */
export function dbNodeSource(db: AuditDb): AsyncNodeSource {
  return {
    async nodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
      const stored = ids.filter((id) => id.level >= STORED_LEVEL).map((id) => nodeRowId(id.level, id.index));
      const seqs = ids.filter((id) => id.level < STORED_LEVEL).flatMap((id) => leafRange(id));
      const [nodes, leaves] = await Promise.all([readNodes(db, stored), readLeafHashes(db, seqs)]);
      return ids.map((id) => {
        if (id.level >= STORED_LEVEL) return need(nodes.get(nodeRowId(id.level, id.index)), id);
        return rootFromLeafHashes(
          leafRange(id).map((seq) => need(leaves.get(seq), { level: 0, index: seq })),
        );
      });
    },
  };
}

function leafRange(id: NodeId): number[] {
  const width = 2 ** id.level;
  return Array.from({ length: width }, (_, i) => id.index * width + i);
}

function need(hash: Uint8Array | undefined, id: NodeId): Uint8Array {
  if (hash === undefined)
    throw new AuditIntegrityError(`audit log node (${id.level}, ${id.index}) is missing`);
  return hash;
}

async function readNodes(db: AuditDb, ids: number[]): Promise<Map<number, Uint8Array>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('audit_nodes')
    .select(['id', 'hash'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), r.hash]));
}

async function readLeafHashes(db: AuditDb, seqs: number[]): Promise<Map<number, Uint8Array>> {
  const leaves = await leavesAt(db, seqs);
  return new Map([...leaves].map(([seq, leaf]) => [seq, leafHash(leaf)]));
}

export function rootAt(db: AuditDb, size: number): Promise<Uint8Array> {
  return rootAtAsync(dbNodeSource(db), size);
}

export function inclusionProof(db: AuditDb, seq: number, size: number): Promise<Uint8Array[]> {
  return inclusionProofAsync(dbNodeSource(db), seq, size);
}

export function consistencyProof(db: AuditDb, from: number, to: number): Promise<Uint8Array[]> {
  return consistencyProofAsync(dbNodeSource(db), from, to);
}

/** The right edge of the stored tree (popcount(size) subtrees), to append to. */
export async function loadFrontier(db: AuditDb, size: number): Promise<Frontier> {
  const hashes = await dbNodeSource(db).nodes(rootPlan(size));
  return Frontier.fromHashes(size, hashes);
}
