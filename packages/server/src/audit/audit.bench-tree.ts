// Proof-side half of audit.bench.ts: a synthesised store of many entries and proof timings.
import { randomBytes, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { Frontier, leafHash, verifyConsistency, verifyInclusion } from '@shoebox/shared/merkle/index';
import type { AuditDb } from './audit.db.ts';
import { leavesAt } from './audit.rows.ts';
import { STORED_LEVEL, consistencyProof, inclusionProof, nodeRowId, rootAt, treeSize } from './audit.tree.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Fills audit_leaves/audit_nodes (and the stored tree size) with `size` random leaves directly (no events). */
export async function synthesise(db: AuditDb, size: number, dir: string): Promise<void> {
  const have = await treeSize(db);
  if (have === size) {
    out(`reusing synthesised tree of ${size} entries in ${dir}`);
    return;
  }
  if (have !== 0) throw new Error(`${dir} holds a tree of ${have} entries; remove it`);
  await sql`pragma synchronous = OFF`.execute(db);
  const frontier = Frontier.empty();
  const started = performance.now();
  const CHUNK = 100_000;
  for (let from = 0; from < size; from += CHUNK) {
    const leaves: { seq: number; leaf: Buffer }[] = [];
    const nodes: { id: number; hash: Buffer }[] = [];
    const all = randomBytes(64 * Math.min(CHUNK, size - from));
    for (let seq = from; seq < Math.min(size, from + CHUNK); seq++) {
      const leaf = all.subarray((seq - from) * 64, (seq - from + 1) * 64);
      leaves.push({ seq, leaf });
      for (const n of frontier.append(leafHash(leaf))) {
        if (n.level >= STORED_LEVEL)
          nodes.push({ id: nodeRowId(n.level, n.index), hash: Buffer.from(n.hash) });
      }
    }
    const stored = Math.min(size, from + CHUNK);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_tree')
        .values({ id: 1, size: stored })
        .onConflict((oc) => oc.column('id').doUpdateSet({ size: stored }))
        .execute();
      for (let i = 0; i < leaves.length; i += 400)
        await trx
          .insertInto('audit_leaves')
          .values(leaves.slice(i, i + 400))
          .execute();
      for (let i = 0; i < nodes.length; i += 400)
        await trx
          .insertInto('audit_nodes')
          .values(nodes.slice(i, i + 400))
          .execute();
    });
    if ((from / CHUNK) % 20 === 0)
      out(`  synthesised ${from + leaves.length} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

function stats(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `mean ${mean.toFixed(3)} ms, p50 ${at(0.5).toFixed(3)}, p99 ${at(0.99).toFixed(3)}`;
}

export async function proofTimes(db: AuditDb, size: number, rounds = 1000): Promise<void> {
  const root = await rootAt(db, size);
  const build: number[] = [];
  const verify: number[] = [];
  const cBuild: number[] = [];
  const cVerify: number[] = [];
  let hashes = 0;
  for (let i = 0; i < rounds; i++) {
    const seq = randomInt(size);
    let t = performance.now();
    const proof = await inclusionProof(db, seq, size);
    build.push(performance.now() - t);
    hashes += proof.length;
    const leaf = leafHash((await leavesAt(db, [seq])).get(seq) ?? new Uint8Array());
    t = performance.now();
    const ok = verifyInclusion(leaf, seq, size, proof, root);
    verify.push(performance.now() - t);
    if (!ok.ok) throw new Error(`inclusion ${seq} failed: ${ok.reason}`);
    const from = 1 + randomInt(size - 1);
    const oldRoot = await rootAt(db, from);
    t = performance.now();
    const cproof = await consistencyProof(db, from, size);
    cBuild.push(performance.now() - t);
    t = performance.now();
    const cok = verifyConsistency(from, size, cproof, oldRoot, root);
    cVerify.push(performance.now() - t);
    if (!cok.ok) throw new Error(`consistency ${from} failed: ${cok.reason}`);
  }
  out(
    `inclusion proof at ${size}: ${(hashes / rounds).toFixed(1)} hashes; build ${stats(build)}; verify ${stats(verify)}`,
  );
  out(`consistency proof to ${size}: build ${stats(cBuild)}; verify ${stats(cVerify)}`);
}
