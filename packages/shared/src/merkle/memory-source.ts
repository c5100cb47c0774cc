// Every perfect-subtree hash of a tree held in memory; for tests and small tools.
import { nodeHash } from './hash.ts';
import type { NodeId } from './plan.ts';
import type { AsyncNodeSource, NodeSource } from './tree.ts';

export class MemoryNodeSource implements NodeSource, AsyncNodeSource {
  // levels[l][i] = hash of the perfect subtree of 2^l leaves starting at i*2^l.
  readonly #levels: Uint8Array[][];
  /** How many node hashes were read, so tests can check proof cost. */
  reads = 0;

  constructor(leafHashes: readonly Uint8Array[]) {
    let below = leafHashes.slice();
    this.#levels = [below];
    while (below.length >= 2) {
      below = parentLevel(below);
      this.#levels.push(below);
    }
  }

  get size(): number {
    return this.#levels[0]?.length ?? 0;
  }

  node(level: number, index: number): Uint8Array {
    const hash = this.#levels[level]?.[index];
    // A request for an incomplete subtree is a builder bug: stores cannot answer it.
    if (hash === undefined) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    this.reads++;
    return hash;
  }

  nodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    return Promise.resolve(ids.map((id) => this.node(id.level, id.index)));
  }
}

// Hashes each complete pair; an odd last node has no parent until its sibling arrives.
function parentLevel(below: readonly Uint8Array[]): Uint8Array[] {
  const parents: Uint8Array[] = [];
  let left: Uint8Array | undefined;
  for (const [i, hash] of below.entries()) {
    if (i % 2 === 0) left = hash;
    else if (left !== undefined) parents.push(nodeHash(left, hash));
  }
  return parents;
}
