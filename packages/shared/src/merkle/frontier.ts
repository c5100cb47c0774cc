// The right edge of the tree (one perfect subtree per set bit of the size), which
// is all the append path needs: no reads per append, and the root is a fold.
import { HASH_SIZE, emptyRoot, nodeHash } from './hash.ts';
import { assertTreeSize, rootPlan, type NodeId } from './plan.ts';
import { foldPlan, type NodeSource } from './tree.ts';

/** A perfect-subtree hash completed by an append, for the store to keep. */
export interface CompletedNode extends NodeId {
  readonly hash: Uint8Array;
}

/** Compact range [0, size): enough state to append leaves and compute the root. */
export class Frontier {
  #size: number;
  // Perfect subtree hashes, largest (leftmost) first; one per set bit of #size.
  #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** Restores from stored right-edge hashes (as listed by `hashes`). */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): Frontier {
    assertTreeSize(size, 'size');
    const expected = rootPlan(size).length;
    if (hashes.length !== expected) {
      throw new RangeError(`size ${size} needs ${expected} frontier hashes, got ${hashes.length}`);
    }
    if (hashes.some((h) => h.length !== HASH_SIZE)) throw new RangeError('frontier hashes must be 32 bytes');
    // Copies, so later changes to the caller's arrays cannot reach our state.
    const copies = hashes.map((h) => h.slice());
    return new Frontier(size, copies);
  }

  /** Rebuilds at startup with popcount(size) reads. */
  static fromSource(src: NodeSource, size: number): Frontier {
    const hashes = rootPlan(size).map((id) => src.node(id.level, id.index));
    return Frontier.fromHashes(size, hashes);
  }

  get size(): number {
    return this.#size;
  }

  /** The right-edge hashes, largest subtree first (what fromHashes takes back). */
  get hashes(): readonly Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  /**
   * Appends one leaf hash and returns every perfect subtree it completes, starting
   * with the leaf itself (level 0): exactly the hashes a NodeSource must serve later.
   */
  append(leafHash: Uint8Array): CompletedNode[] {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('leaf hash must be 32 bytes');
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let hash: Uint8Array = leafHash.slice();
    let index = this.#size;
    let level = 0;
    const completed: CompletedNode[] = [{ level, index, hash }];
    // Each trailing 1-bit of the old size is a left sibling waiting for this subtree.
    while (index % 2 === 1) {
      const left = this.#hashes.pop();
      if (left === undefined) throw new Error('frontier is corrupt');
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      level++;
      completed.push({ level, index, hash });
    }
    this.#hashes.push(hash);
    this.#size++;
    return completed;
  }

  /** Root of the tree so far. */
  root(): Uint8Array {
    return this.#hashes.length === 0 ? emptyRoot() : foldPlan(this.#hashes);
  }
}
