// RFC 9162 §2.1.3.2 / §2.1.4.2 verifiers. Untrusted input never throws: every
// failure comes back as a reason, so callers can show it or log it.
import { bytesEqual } from './encoding.ts';
import { HASH_SIZE, nodeHash } from './hash.ts';
import { failure as fail, type Failure } from './result.ts';

export type VerifyResult = { readonly ok: true } | Failure;
export type RootResult = { readonly ok: true; readonly root: Uint8Array } | Failure;

const OK: VerifyResult = { ok: true };

function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

// Shorter or longer "hashes" could make an empty leaf equal an empty root.
function badHash(hashes: readonly Uint8Array[]): boolean {
  return hashes.some((h) => h.length !== HASH_SIZE);
}

// Halving by division: JavaScript's `>>` only works on 32 bits, sizes go to 2^53.
const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

// Exact, unlike Math.log2, which rounds near 2^53.
function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Recomputes the root implied by an audit path, without comparing it to anything. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): RootResult {
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize)) return fail('index or size is not a safe integer');
  if (leafIndex >= treeSize) return fail(`leaf index ${leafIndex} is outside a tree of size ${treeSize}`);
  if (badHash([leafHash])) return fail('leaf hash is not 32 bytes');
  if (badHash(proof)) return fail('proof hash is not 32 bytes');
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return fail('proof is too long');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Skip levels where our subtree is the right edge and has no sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof is too short');
  return { ok: true, root: r };
}

/** Checks that `leafHash` is leaf `leafIndex` of the tree with `root` and `treeSize` leaves. */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): VerifyResult {
  const computed = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
  if (!computed.ok) return computed;
  if (badHash([root])) return fail('root is not 32 bytes');
  return bytesEqual(computed.root, root) ? OK : fail('computed root does not match');
}

/** Checks that the tree (size2, root2) extends the tree (size1, root1). */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerifyResult {
  if (!isTreeSize(size1) || !isTreeSize(size2)) return fail('sizes are not safe integers');
  if (size2 < size1) return fail(`size2 ${size2} is smaller than size1 ${size1}`);
  // Every tree extends the empty one, so such a "proof" would assert nothing.
  if (size1 === 0) return fail('consistency from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length !== 0) return fail('equal sizes need an empty proof');
    // The claim is only "same tree"; hash lengths are the checkpoint parser's job.
    return bytesEqual(root1, root2) ? OK : fail('equal sizes but roots differ');
  }
  if (badHash([root1, root2])) return fail('root is not 32 bytes');
  if (badHash(proof)) return fail('proof hash is not 32 bytes');
  if (proof.length === 0) return fail('proof is empty');
  return checkConsistencyPath(size1, size2, proof, root1, root2);
}

function checkConsistencyPath(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerifyResult {
  // When size1 is a power of two the old tree is a single subtree the proof omits.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const [first, ...rest] = path;
  if (first === undefined) return fail('proof is empty');
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return fail('proof is too long');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof is too short');
  if (!bytesEqual(fr, root1)) return fail('proof does not match root1');
  if (!bytesEqual(sr, root2)) return fail('proof does not match root2');
  return OK;
}
