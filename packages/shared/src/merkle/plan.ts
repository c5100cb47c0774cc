// Which perfect subtrees each proof element is made of. Every hash a proof needs
// (RFC 9162 §2.1.3.1 PATH, §2.1.4.1 SUBPROOF) covers a range that starts on a
// multiple of its own rounded-up size, so it splits into perfect subtrees of
// decreasing size; an append-only store only ever has to keep those.

/** A perfect subtree: 2^level leaves starting at leaf index * 2^level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * One proof element or root: the Merkle hash of these perfect subtrees, listed left
 * to right (largest first) and combined right to left.
 */
export type HashPlan = readonly NodeId[];

/** Throws unless n is an integer in [0, 2^53). */
export function assertTreeSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
  }
}

/** Largest power of two strictly below n (n >= 2); arithmetic because `<<` wraps at 2^31. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The perfect subtrees making up leaves [start, start + size), left to right. */
export function rangePlan(start: number, size: number): NodeId[] {
  const out: NodeId[] = [];
  let width = 1;
  let level = 0;
  while (width * 2 <= size) {
    width *= 2;
    level++;
  }
  let pos = start;
  let remaining = size;
  for (; level >= 0; level--, width /= 2) {
    if (remaining < width) continue;
    if (pos % width !== 0) throw new RangeError(`range start ${start} is not aligned for size ${size}`);
    out.push({ level, index: pos / width });
    pos += width;
    remaining -= width;
  }
  return out;
}

/** Plan of the audit path for leaf `leafIndex` in a tree of `treeSize` leaves. */
export function inclusionPlan(leafIndex: number, treeSize: number): HashPlan[] {
  assertTreeSize(leafIndex, 'leafIndex');
  assertTreeSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex ${leafIndex} >= treeSize ${treeSize}`);
  const out: HashPlan[] = [];
  path(leafIndex, 0, treeSize, out);
  return out;
}

// PATH(m, D[start : start+n]); pushes after recursing so the leaf's sibling comes first.
function path(m: number, start: number, n: number, out: HashPlan[]): void {
  if (n <= 1) return;
  const k = largestPowerOfTwoBelow(n);
  if (m < k) {
    path(m, start, k, out);
    out.push(rangePlan(start + k, n - k));
  } else {
    path(m - k, start + k, n - k, out);
    out.push(rangePlan(start, k));
  }
}

/** Plan of the consistency proof from size1 to size2 (0 < size1 <= size2). */
export function consistencyPlan(size1: number, size2: number): HashPlan[] {
  assertTreeSize(size1, 'size1');
  assertTreeSize(size2, 'size2');
  // RFC 9162 leaves size1 = 0 undefined: every tree is consistent with the empty one.
  if (size1 === 0) throw new RangeError('consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new RangeError(`size1 ${size1} > size2 ${size2}`);
  const out: HashPlan[] = [];
  subproof(size1, 0, size2, true, out);
  return out;
}

// SUBPROOF(m, D[start : start+n], b); `complete` is RFC's b: whether the old root
// is still a whole subtree the verifier already knows.
function subproof(m: number, start: number, n: number, complete: boolean, out: HashPlan[]): void {
  if (m === n) {
    if (!complete) out.push(rangePlan(start, m));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    subproof(m, start, k, complete, out);
    out.push(rangePlan(start + k, n - k));
  } else {
    subproof(m - k, start + k, n - k, false, out);
    out.push(rangePlan(start, k));
  }
}

/** Plan of the root of the first `treeSize` leaves (empty for size 0). */
export function rootPlan(treeSize: number): HashPlan {
  assertTreeSize(treeSize, 'treeSize');
  return rangePlan(0, treeSize);
}
