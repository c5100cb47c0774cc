// Extending the stored tree (run by the checkpoint signer before it signs; with several instances only the lease
// holder). Appenders write only events and leaves, each at a seq of its own, and commit in any order; this finds the
// dense committed prefix above the stored tree size, computes the subtree hashes for it (audit_nodes, levels >=
// STORED_LEVEL) and stores the new size, in one short transaction guarded against a concurrent extender.
// Holes: a seq with no row while higher seqs are committed. Its transaction is still running (it holds the seq's
// claim lock until it ends), or it rolled back or died. A hole whose lock is free and that is still empty in two
// rounds (closing the tiny window between a claim's nextval and its lock) is filled with a void entry
// (audit.leaf.ts voidLeaf, an event row of kind code 0 (VOID_KIND) and no owner). An appender whose rows then arrive at that
// seq fails with a unique violation and its action rolls back.
import { leafHash, type Frontier } from '@shoebox/shared/merkle/index';
import type { Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { Clock } from '../platform/clock.ts';
import { auditDb, type AuditDb } from './audit.db.ts';
import { VOID_KIND_CODE } from './audit.kind-codes.ts';
import { voidLeaf } from './audit.leaf.ts';
import { STORED_LEVEL, loadFrontier, nodeRowId, treeSize } from './audit.tree.ts';

const PAGE = 5000;
/** Leaves taken into the tree per round at most (bounded memory; the next round goes on). */
const MAX_PER_ROUND = 200_000;
/** Holes examined per round at most. */
const MAX_HOLES = 1000;
/** Node rows per insert (2 parameters each). */
const NODE_CHUNK = 1000;

export interface TreeExtenderDeps {
  db: Queryable;
  /** Without it holes are never voided (the tree waits at the first one): tools and tests that need no signer. */
  features?: Pick<DbFeatures, 'auditSeqReleased'> | undefined;
  clock: Clock;
}

export interface ExtendResult {
  /** The stored tree size after this round. */
  size: number;
  /** Seqs filled with void entries this round. */
  voided: number[];
}

export function createTreeExtender({ db: q, features, clock }: TreeExtenderDeps) {
  const db = auditDb(q);
  // Holes seen empty and unlocked in the previous round: voided if they still are in this one.
  let suspects = new Set<number>();

  /** Examines the holes [from, to): voids those that were free in the last round too; returns the seqs voided. */
  async function voidHoles(from: number, to: number, seen: Set<number>): Promise<number[]> {
    if (!features) return [];
    const released = features.auditSeqReleased;
    const voided: number[] = [];
    // One short transaction: the try-locks it takes go with it, and the rows it writes are there when it commits.
    await q.transaction().execute(async (trx) => {
      const t = auditDb(trx);
      for (let seq = from; seq < to && seq < from + MAX_HOLES; seq++) {
        if (!(await released(trx, seq))) continue; // still in flight: its transaction holds the claim
        // Above the tree: only hot rows (packing takes only what the tree covers).
        const [event, leaf] = await Promise.all([
          t.selectFrom('audit_events').select('seq').where('seq', '=', seq).executeTakeFirst(),
          t.selectFrom('audit_leaves').select('seq').where('seq', '=', seq).executeTakeFirst(),
        ]);
        // Committed since we looked; or an event without its leaf, which no append leaves (they write both in one
        // statement): damage for the full check to report, never to be voided over. The tree waits at it.
        if (leaf || event) continue;
        if (!suspects.has(seq)) {
          seen.add(seq);
          continue;
        }
        await t
          .insertInto('audit_events')
          .values({ seq, owner: null, kind: VOID_KIND_CODE, body: null, salt: null, created_at: clock.now() })
          .execute();
        await t
          .insertInto('audit_leaves')
          .values({ seq, leaf: voidLeaf(seq) })
          .execute();
        voided.push(seq);
      }
    });
    return voided;
  }

  async function store(
    stored: number,
    size: number,
    nodes: { id: number; hash: Buffer }[],
  ): Promise<boolean> {
    return q.transaction().execute(async (trx) => {
      const t = auditDb(trx);
      const moved =
        stored === 0
          ? await t
              .insertInto('audit_tree')
              .values({ id: 1, size })
              .onConflict((oc) => oc.column('id').doUpdateSet({ size }).where('audit_tree.size', '=', 0))
              .executeTakeFirst()
              .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0))
          : await t
              .updateTable('audit_tree')
              .set({ size })
              .where('id', '=', 1)
              .where('size', '=', stored)
              .executeTakeFirst()
              .then((r) => Number(r.numUpdatedRows));
      if (moved !== 1) return false; // another extender got there first
      for (let i = 0; i < nodes.length; i += NODE_CHUNK)
        await t
          .insertInto('audit_nodes')
          .values(nodes.slice(i, i + NODE_CHUNK))
          .execute();
      return true;
    });
  }

  function append(frontier: Frontier, leaf: Uint8Array, nodes: { id: number; hash: Buffer }[]): void {
    for (const n of frontier.append(leafHash(leaf)))
      if (n.level >= STORED_LEVEL) nodes.push({ id: nodeRowId(n.level, n.index), hash: Buffer.from(n.hash) });
  }

  return {
    /** Takes the dense committed prefix above the stored tree into it; voids holes seen free twice. */
    async extend(): Promise<ExtendResult> {
      const stored = await treeSize(db);
      let size = stored;
      let frontier: Frontier | undefined;
      const nodes: { id: number; hash: Buffer }[] = [];
      const voided: number[] = [];
      const seen = new Set<number>();
      while (size - stored < MAX_PER_ROUND) {
        const rows = await leavesFrom(db, size, PAGE);
        frontier ??= await loadFrontier(db, stored);
        let i = 0;
        for (const row of rows) {
          if (Number(row.seq) !== size) break;
          append(frontier, row.leaf, nodes);
          size++;
          i++;
        }
        const next = rows[i];
        if (next) {
          const filled = await voidHoles(size, Number(next.seq), seen);
          voided.push(...filled);
          if (filled[0] === size) continue; // read on from the void entry
          break;
        }
        if (rows.length < PAGE) break;
      }
      suspects = seen;
      if (size > stored && !(await store(stored, size, nodes))) return { size: await treeSize(db), voided };
      return { size, voided };
    },
  };
}

export type TreeExtender = ReturnType<typeof createTreeExtender>;

function leavesFrom(db: AuditDb, from: number, limit: number) {
  return db
    .selectFrom('audit_leaves')
    .select(['seq', 'leaf'])
    .where('seq', '>=', from)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
