// Proof builders over stored perfect-subtree hashes, plus the O(n) reference root.
import { emptyRoot, nodeHash } from './hash.ts';
import { consistencyPlan, inclusionPlan, rootPlan, type HashPlan, type NodeId } from './plan.ts';

/** Read access to the hashes of perfect subtrees, as an append-only store keeps them. */
export interface NodeSource {
  /** hash of the perfect subtree of 2^level leaves starting at index*2^level */
  node(level: number, index: number): Uint8Array;
}

/** Batched async form of NodeSource, so a database can serve a whole proof in one query. */
export interface AsyncNodeSource {
  /** Hashes for `ids`, in the same order. */
  nodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]>;
}

/** MTH(D[0:n]) straight from the RFC 6962 definition; for tests and small trees. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  return subtreeRoot(hashes, 0, hashes.length);
}

function subtreeRoot(hashes: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) {
    const leaf = hashes[lo];
    if (leaf === undefined) throw new RangeError(`missing leaf hash ${lo}`);
    return leaf;
  }
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return nodeHash(subtreeRoot(hashes, lo, lo + k), subtreeRoot(hashes, lo + k, hi));
}

/** Combines perfect subtree hashes (left to right, largest first) right to left into one hash. */
export function foldPlan(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new RangeError('cannot fold an empty plan');
  return hashes.reduceRight((acc, h) => nodeHash(h, acc));
}

function resolveSync(src: NodeSource, plans: readonly HashPlan[]): Uint8Array[] {
  return plans.map((plan) => foldPlan(plan.map((id) => src.node(id.level, id.index))));
}

async function resolveAsync(src: AsyncNodeSource, plans: readonly HashPlan[]): Promise<Uint8Array[]> {
  const ids = plans.flat();
  const hashes = await src.nodes(ids);
  if (hashes.length !== ids.length) {
    throw new RangeError(`node source returned ${hashes.length} hashes for ${ids.length} ids`);
  }
  let next = 0;
  return plans.map((plan) => {
    const part = hashes.slice(next, next + plan.length);
    next += plan.length;
    return foldPlan(part);
  });
}

/** Audit path (RFC 9162 §2.1.3.1) for `leafIndex` in the tree of the first `treeSize` leaves. */
export function inclusionProof(src: NodeSource, leafIndex: number, treeSize: number): Uint8Array[] {
  return resolveSync(src, inclusionPlan(leafIndex, treeSize));
}

/** Consistency proof (RFC 9162 §2.1.4.1) between trees of size1 and size2 leaves, 0 < size1 <= size2. */
export function consistencyProof(src: NodeSource, size1: number, size2: number): Uint8Array[] {
  return resolveSync(src, consistencyPlan(size1, size2));
}

/** Root of the tree of the first `treeSize` leaves. */
export function rootAt(src: NodeSource, treeSize: number): Uint8Array {
  const plan = rootPlan(treeSize);
  return plan.length === 0 ? emptyRoot() : foldPlan(plan.map((id) => src.node(id.level, id.index)));
}

export async function inclusionProofAsync(
  src: AsyncNodeSource,
  leafIndex: number,
  treeSize: number,
): Promise<Uint8Array[]> {
  return resolveAsync(src, inclusionPlan(leafIndex, treeSize));
}

export async function consistencyProofAsync(
  src: AsyncNodeSource,
  size1: number,
  size2: number,
): Promise<Uint8Array[]> {
  return resolveAsync(src, consistencyPlan(size1, size2));
}

export async function rootAtAsync(src: AsyncNodeSource, treeSize: number): Promise<Uint8Array> {
  const plan = rootPlan(treeSize);
  if (plan.length === 0) return emptyRoot();
  const [root] = await resolveAsync(src, [plan]);
  if (root === undefined) throw new RangeError('root plan resolved to nothing');
  return root;
}
