import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './encoding.ts';
import { Frontier } from './frontier.ts';
import { leafHash } from './hash.ts';
import { MemoryNodeSource } from './memory-source.ts';
import { rangePlan } from './plan.ts';
import {
  consistencyProof,
  consistencyProofAsync,
  inclusionProof,
  inclusionProofAsync,
  rootAt,
  rootAtAsync,
  rootFromLeafHashes,
} from './tree.ts';

// transparency-dev/merkle testonly/constants.go
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
  .map(fromHex)
  .map(leafHash);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('known trees', () => {
  it('matches reference roots for sizes 0..8', () => {
    const src = new MemoryNodeSource(LEAVES);
    const frontier = Frontier.empty();
    ROOTS.forEach((root, size) => {
      expect(toHex(rootFromLeafHashes(LEAVES.slice(0, size))), `reference ${size}`).toBe(root);
      expect(toHex(rootAt(src, size)), `rootAt ${size}`).toBe(root);
      expect(toHex(frontier.root()), `frontier ${size}`).toBe(root);
      const next = LEAVES[size];
      if (next !== undefined) frontier.append(next);
    });
  });

  it('builds the documented audit path of leaf 0 in size 8', () => {
    const proof = inclusionProof(new MemoryNodeSource(LEAVES), 0, 8).map(toHex);
    expect(proof).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('serves the same results through the async source', async () => {
    const src = new MemoryNodeSource(LEAVES);
    for (let size = 1; size <= 8; size++) {
      expect(await rootAtAsync(src, size)).toEqual(rootAt(src, size));
      for (let i = 0; i < size; i++) {
        expect(await inclusionProofAsync(src, i, size)).toEqual(inclusionProof(src, i, size));
        expect(await consistencyProofAsync(src, i + 1, size)).toEqual(consistencyProof(src, i + 1, size));
      }
    }
  });
});

describe('builder arguments', () => {
  const src = new MemoryNodeSource(LEAVES);
  it('rejects impossible requests', () => {
    expect(() => inclusionProof(src, 3, 3)).toThrow(RangeError);
    expect(() => inclusionProof(src, -1, 3)).toThrow(RangeError);
    expect(() => inclusionProof(src, 0.5, 3)).toThrow(RangeError);
    expect(() => consistencyProof(src, 0, 3)).toThrow(RangeError);
    expect(() => consistencyProof(src, 4, 3)).toThrow(RangeError);
    expect(() => rootAt(src, 2 ** 53)).toThrow(RangeError);
    expect(() => rangePlan(1, 2)).toThrow(RangeError);
  });

  it('never asks for a subtree past the tree size', () => {
    // The 8-leaf source throws for anything incomplete; a 5-leaf tree must not need leaves 5..7.
    const five = new MemoryNodeSource(LEAVES.slice(0, 5));
    expect(() => rootAt(five, 5)).not.toThrow();
    expect(() => inclusionProof(five, 4, 5)).not.toThrow();
    expect(() => rootAt(five, 6)).toThrow(RangeError);
  });
});

describe('Frontier', () => {
  it('reports exactly the perfect subtrees each append completes', () => {
    const frontier = Frontier.empty();
    const src = new MemoryNodeSource(LEAVES);
    const completed = LEAVES.flatMap((h) => frontier.append(h));
    expect(completed.map(({ level, index }) => `${level}/${index}`)).toEqual([
      '0/0', '0/1', '1/0', '0/2', '0/3', '1/1', '2/0', '0/4', '0/5', '1/2', '0/6', '0/7', '1/3', '2/1', '3/0',
    ]); // prettier-ignore
    for (const n of completed) expect(n.hash).toEqual(src.node(n.level, n.index));
  });

  it('restores from stored hashes or a node source', () => {
    const src = new MemoryNodeSource(LEAVES);
    for (let size = 0; size <= 8; size++) {
      const fromSource = Frontier.fromSource(src, size);
      expect(fromSource.size).toBe(size);
      expect(toHex(fromSource.root())).toBe(ROOTS[size]);
      expect(Frontier.fromHashes(size, fromSource.hashes).root()).toEqual(fromSource.root());
    }
    expect(() => Frontier.fromHashes(3, [LEAVES[0] ?? new Uint8Array()])).toThrow(RangeError);
    expect(() => Frontier.empty().append(new Uint8Array(31))).toThrow(RangeError);
  });
});
