// Every branch of the witness's verdict, on real trees and genuinely signed checkpoints: a log that grew honestly,
// one served from an older state, one restored from a backup and grown along another branch, two roots for a size
// (the newest kept or an older one), a rewritten history, a changed key, a forged signature.
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../merkle/checkpoint.ts';
import { toBase64, utf8Encode } from '../merkle/encoding.ts';
import { leafHash } from '../merkle/hash.ts';
import { generateSignerKey } from '../merkle/keys.ts';
import { MemoryNodeSource } from '../merkle/memory-source.ts';
import { consistencyProof, rootAt } from '../merkle/tree.ts';
import {
  MAX_BRANCH_TRIES,
  classifyCheckpoint,
  newestKept,
  type FetchConsistency,
  type KeptCheckpoint,
  type KeptCheckpoints,
} from './witness.ts';

const ORIGIN = 'photos.example/shoebox-audit/1';
const { skey, vkey } = generateSignerKey(ORIGIN);

/** A log of `size` leaves whose first `common` are shared with every other branch and the rest are its own. */
function log(size: number, branch = 'main', common = size) {
  const leaves = Array.from({ length: size }, (_, i) =>
    leafHash(utf8Encode(i < common ? `event ${i}` : `${branch} event ${i}`)),
  );
  const tree = new MemoryNodeSource(leaves);
  const checkpoint = (n: number, key = skey): KeptCheckpoint & { note: string } => {
    const rootHash = rootAt(tree, n);
    return {
      size: n,
      root: toBase64(rootHash),
      note: signCheckpoint(key, { origin: ORIGIN, size: n, rootHash }),
    };
  };
  /** The server's answer to "prove `from` → `to`", counting the requests. */
  const proofs: FetchConsistency & { asked: [number, number][] } = Object.assign(
    (from: number, to: number) => {
      proofs.asked.push([from, to]);
      return Promise.resolve(consistencyProof(tree, from, to).map(toBase64));
    },
    { asked: [] as [number, number][] },
  );
  return { checkpoint, proofs };
}

const keep = (...checkpoints: KeptCheckpoint[]): KeptCheckpoints => ({ verifierKey: vkey, checkpoints });

describe('the witness classifies a checkpoint as the CLI and the browser both do', () => {
  const main = log(40);

  it('accepts and pins the first checkpoint it sees, asking for no proof', async () => {
    const cp = main.checkpoint(10);
    const verdict = await classifyCheckpoint(cp.note, vkey, null, main.proofs);
    expect(verdict).toMatchObject({ ok: true, root: cp.root, verifierKey: vkey, previous: null });
    expect(verdict.ok && verdict.checkpoint.size).toBe(10);
    expect(main.proofs.asked).toEqual([]);
  });

  it('accepts a larger checkpoint with a valid consistency proof from the newest kept one', async () => {
    const kept = keep(main.checkpoint(5), main.checkpoint(20), main.checkpoint(12));
    const verdict = await classifyCheckpoint(main.checkpoint(33).note, vkey, kept, main.proofs);
    expect(verdict).toMatchObject({ ok: true, previous: { size: 20 } });
    expect(main.proofs.asked.at(-1)).toEqual([20, 33]);
  });

  it('accepts any checkpoint after a kept empty log without asking for a proof (servers refuse from=0)', async () => {
    const asked = main.proofs.asked.length;
    const verdict = await classifyCheckpoint(
      main.checkpoint(7).note,
      vkey,
      keep(main.checkpoint(0)),
      main.proofs,
    );
    expect(verdict).toMatchObject({ ok: true, previous: { size: 0 } });
    expect(main.proofs.asked.length).toBe(asked);
  });

  it('accepts the same checkpoint again without a proof', async () => {
    const asked = main.proofs.asked.length;
    const verdict = await classifyCheckpoint(
      main.checkpoint(20).note,
      vkey,
      keep(main.checkpoint(20)),
      main.proofs,
    );
    expect(verdict.ok).toBe(true);
    expect(main.proofs.asked.length).toBe(asked);
  });

  it('calls an older checkpoint than the newest kept a rollback, not an inconsistency', async () => {
    const kept = keep(main.checkpoint(8), main.checkpoint(30));
    const verdict = await classifyCheckpoint(main.checkpoint(17).note, vkey, kept, main.proofs);
    expect(verdict).toMatchObject({
      ok: false,
      problem: 'rolled-back',
      from: 30,
      to: 17,
      against: { size: 30 },
    });
    expect(verdict.ok === false && 'branchedAfter' in verdict && verdict.branchedAfter).toBe(false);
  });

  it('calls a smaller checkpoint with another root than one kept at that size two roots', async () => {
    const other = log(40, 'fork', 3);
    const kept = keep(main.checkpoint(9), main.checkpoint(30));
    const forged = other.checkpoint(9);
    const verdict = await classifyCheckpoint(forged.note, vkey, kept, main.proofs);
    expect(verdict).toMatchObject({
      ok: false,
      problem: 'two-roots',
      size: 9,
      keptRoot: main.checkpoint(9).root,
      root: forged.root,
      against: { size: 9 },
    });
  });

  it('calls another root for the newest kept size two roots', async () => {
    const other = log(40, 'fork', 3);
    const verdict = await classifyCheckpoint(
      other.checkpoint(30).note,
      vkey,
      keep(main.checkpoint(30)),
      main.proofs,
    );
    expect(verdict).toMatchObject({ ok: false, problem: 'two-roots', size: 30, against: { size: 30 } });
  });

  it('calls a log that grew past the newest kept along another branch, off an older kept one, rolled back', async () => {
    // Restored from a backup of 15 entries, then grown to 38 along another history.
    const restored = log(38, 'after restore', 15);
    const kept = keep(main.checkpoint(6), main.checkpoint(12), main.checkpoint(25), main.checkpoint(30));
    const verdict = await classifyCheckpoint(restored.checkpoint(38).note, vkey, kept, restored.proofs);
    expect(verdict).toMatchObject({
      ok: false,
      problem: 'rolled-back',
      from: 30,
      to: 38,
      branchedAfter: 12,
      against: { size: 30 },
    });
    expect(restored.proofs.asked).toEqual([
      [30, 38],
      [25, 38],
      [12, 38],
    ]);
  });

  it('calls a larger log extending no kept checkpoint inconsistent: history was rewritten', async () => {
    const rewritten = log(38, 'rewritten', 0);
    const kept = keep(main.checkpoint(6), main.checkpoint(30));
    const verdict = await classifyCheckpoint(rewritten.checkpoint(38).note, vkey, kept, rewritten.proofs);
    expect(verdict).toMatchObject({ ok: false, problem: 'inconsistent', from: 30, to: 38 });
    expect(verdict.ok === false && verdict.problem === 'inconsistent' && verdict.reason).toMatch(/./);
  });

  it('skips branch candidates whose proof the server refuses, and tries at most a dozen', async () => {
    const rewritten = log(60, 'rewritten', 0);
    const kept = keep(...Array.from({ length: 30 }, (_, i) => main.checkpoint(i + 1)));
    let refused = 0;
    const flaky: FetchConsistency = (from, to) => {
      if (from !== 30) {
        refused++;
        return Promise.reject(new Error('refused'));
      }
      return rewritten.proofs(from, to);
    };
    const verdict = await classifyCheckpoint(rewritten.checkpoint(60).note, vkey, kept, flaky);
    expect(verdict).toMatchObject({ ok: false, problem: 'inconsistent' });
    expect(refused).toBe(MAX_BRANCH_TRIES);
  });

  it('lets a refused proof from the newest kept checkpoint throw: no verdict, try again later', async () => {
    const refuse: FetchConsistency = () => Promise.reject(new Error('503'));
    await expect(
      classifyCheckpoint(main.checkpoint(31).note, vkey, keep(main.checkpoint(30)), refuse),
    ).rejects.toThrow('503');
  });

  it('calls a garbled proof inconsistent', async () => {
    const garbled: FetchConsistency = () => Promise.resolve(['not base64 !!']);
    const verdict = await classifyCheckpoint(
      main.checkpoint(31).note,
      vkey,
      keep(main.checkpoint(30)),
      garbled,
    );
    expect(verdict).toMatchObject({ ok: false, problem: 'inconsistent', reason: 'the proof is not base64' });
  });

  it('alarms on another key than the pinned one, even with a valid signature of that key', async () => {
    const other = generateSignerKey(ORIGIN);
    const cp = main.checkpoint(31, other.skey);
    const verdict = await classifyCheckpoint(cp.note, other.vkey, keep(main.checkpoint(30)), main.proofs);
    expect(verdict).toMatchObject({
      ok: false,
      problem: 'key-changed',
      servedKey: other.vkey,
      against: { size: 30 },
    });
  });

  it('alarms on a note the pinned key did not sign, the first time too', async () => {
    const forged = main.checkpoint(31, generateSignerKey(ORIGIN).skey);
    const kept = await classifyCheckpoint(forged.note, vkey, keep(main.checkpoint(30)), main.proofs);
    expect(kept).toMatchObject({ ok: false, problem: 'bad-signature', against: { size: 30 } });
    const first = await classifyCheckpoint(forged.note, vkey, null, main.proofs);
    expect(first).toMatchObject({ ok: false, problem: 'bad-signature', against: null });
  });

  it('finds the newest kept checkpoint whatever the order', () => {
    expect(newestKept(null)).toBeNull();
    expect(newestKept(keep(main.checkpoint(4), main.checkpoint(9), main.checkpoint(2)))?.size).toBe(9);
  });
});
