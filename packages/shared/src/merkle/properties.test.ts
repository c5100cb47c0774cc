// Builders against the reference root, and verifiers against tampering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Frontier } from './frontier.ts';
import { leafHash, nodeHash } from './hash.ts';
import { MemoryNodeSource } from './memory-source.ts';
import { consistencyProof, inclusionProof, rootAt, rootFromLeafHashes, type NodeSource } from './tree.ts';
import { verifyConsistency, verifyInclusion } from './verify.ts';

const MAX = 300;
const LEAVES = Array.from({ length: MAX }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
const ROOTS = Array.from({ length: MAX + 1 }, (_, n) => rootFromLeafHashes(LEAVES.slice(0, n)));
// Sources cut to each size, so a builder reaching past the tree end throws.
const sources = new Map<number, MemoryNodeSource>();
function sourceOf(n: number): MemoryNodeSource {
  let src = sources.get(n);
  if (src === undefined) sources.set(n, (src = new MemoryNodeSource(LEAVES.slice(0, n))));
  return src;
}
const root = (n: number): Uint8Array => ROOTS[n] ?? new Uint8Array();
const leaf = (i: number): Uint8Array => LEAVES[i] ?? new Uint8Array();

const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1)));
const twoSizes = fc
  .integer({ min: 1, max: MAX })
  .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

function flipBit(proof: Uint8Array[], which: number, bit: number): Uint8Array[] {
  return proof.map((h, i) => {
    if (i !== which % proof.length) return h;
    const copy = h.slice();
    copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    return copy;
  });
}

describe('inclusion proofs', () => {
  it('verify against the reference root', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        const proof = inclusionProof(sourceOf(n), m, n);
        expect(verifyInclusion(leaf(m), m, n, proof, root(n))).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it('fail when tampered with', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), fc.nat(MAX), ([n, m], which, bit, other) => {
        const proof = inclusionProof(sourceOf(n), m, n);
        const reject = (p: Uint8Array[], i = m, size = n, l = leaf(m), r = root(n)): void => {
          expect(verifyInclusion(l, i, size, p, r).ok).toBe(false);
        };
        if (proof.length > 0) {
          reject(flipBit(proof, which, bit));
          reject(proof.slice(0, -1));
          reject(proof.slice(1));
        }
        reject([...proof, leaf(0)]);
        reject([leaf(0), ...proof]);
        if (other !== m && other < n) reject(proof, other);
        if (other !== n && other > m) reject(proof, m, other, leaf(m), root(other));
        reject(proof, m, n, nodeHash(leaf(m), leaf(m)));
        reject(proof, m, n, leaf(m), root(n - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('read about log2(n) stored hashes', () => {
    const src = sourceOf(MAX);
    src.reads = 0;
    inclusionProof(src, 137, MAX);
    expect(src.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(MAX)));
  });
});

describe('consistency proofs', () => {
  it('verify against the reference roots', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = consistencyProof(sourceOf(n), m, n);
        expect(verifyConsistency(m, n, proof, root(m), root(n))).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it('fail when tampered with', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.nat(255), ([m, n], which, bit) => {
        const proof = consistencyProof(sourceOf(n), m, n);
        const reject = (p: Uint8Array[], s1 = m, s2 = n, r1 = root(m), r2 = root(n)): void => {
          expect(verifyConsistency(s1, s2, p, r1, r2).ok).toBe(false);
        };
        if (proof.length > 0) {
          reject(flipBit(proof, which, bit));
          reject(proof.slice(0, -1));
          reject(proof.slice(1));
        }
        reject([...proof, leaf(0)]);
        if (m > 1) reject(proof, m, n, root(m - 1));
        if (m > 1) reject(proof, m - 1, n, root(m - 1));
        if (n > m) reject(proof, m, n, root(m), root(n - 1));
        if (n > m) reject(proof, m, n, root(n), root(m));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Frontier', () => {
  it('root equals the reference root after every append', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (n) => {
        const frontier = Frontier.empty();
        for (const h of LEAVES.slice(0, n)) frontier.append(h);
        expect(frontier.root()).toEqual(root(n));
        expect(Frontier.fromSource(sourceOf(MAX), n).root()).toEqual(root(n));
      }),
      { numRuns: 50 },
    );
    const frontier = Frontier.empty();
    LEAVES.forEach((h, i) => {
      frontier.append(h);
      expect(frontier.root()).toEqual(root(i + 1));
    });
  });
});

// A tree whose leaves repeat every 8 entries has perfect subtrees that depend only
// on level (and index mod 8 below level 3), so sizes past 2^32 stay cheap to serve.
class PeriodicSource implements NodeSource {
  readonly #low = new MemoryNodeSource(LEAVES.slice(0, 8));
  readonly #high: Uint8Array[] = [];
  node(level: number, index: number): Uint8Array {
    if (level <= 3) return this.#low.node(level, index % 2 ** (3 - level));
    let h = this.#high[level];
    if (h === undefined) this.#high[level] = h = nodeHash(this.node(level - 1, 0), this.node(level - 1, 1));
    return h;
  }
}

describe('sizes beyond 32 bits', () => {
  const src = new PeriodicSource();
  const sizes = [2 ** 31 + 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 12345, 2 ** 53 - 1];
  it.each(sizes)('inclusion at size %d', (n) => {
    for (const m of [0, 7, n - 1, Math.floor(n / 3)]) {
      const proof = inclusionProof(src, m, n);
      const leafAt = src.node(0, m);
      expect(verifyInclusion(leafAt, m, n, proof, rootAt(src, n)).ok).toBe(true);
      expect(verifyInclusion(leafAt, m, n, flipBit(proof, 0, 3), rootAt(src, n)).ok).toBe(false);
    }
  });

  it.each(sizes)('consistency to size %d', (n) => {
    for (const m of [1, 7, 2 ** 31, n - 1, Math.floor(n / 3)]) {
      const proof = consistencyProof(src, m, n);
      expect(verifyConsistency(m, n, proof, rootAt(src, m), rootAt(src, n)).ok).toBe(true);
      expect(verifyConsistency(m, n, proof.slice(1), rootAt(src, m), rootAt(src, n)).ok).toBe(false);
    }
  });
});
