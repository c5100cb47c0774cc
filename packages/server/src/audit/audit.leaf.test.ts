import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditLeaf, carriesTag } from '@shoebox/shared/audit-leaf/index';
import {
  LEAF_BYTES,
  derivedSalt,
  makeLeaf,
  opensLeaf,
  seqBytes,
  tagMatches,
  voidLeaf,
} from './audit.leaf.ts';

const key = randomBytes(32);
const event = '{"at":1764000000000,"body":{"ip":"203.0.113.77"},"kind":"photo.uploaded","seq":41,"v":1}';

/** A leaf as written before migration 0025: the whole 32-byte tag. */
function fullTagLeaf(seq: number, salt: Uint8Array, text: string): Buffer {
  const tag = createHmac('sha256', key).update(seqBytes(seq)).digest();
  return Buffer.concat([tag, createHash('sha256').update(salt).update(text, 'utf8').digest()]);
}

describe('audit leaves', () => {
  it('are written with a 16-byte tag, and devices recompute the same bytes', () => {
    const salt = derivedSalt(key, 41);
    const leaf = makeLeaf(key, 41, salt, event);
    expect(leaf).toHaveLength(LEAF_BYTES);
    expect(LEAF_BYTES).toBe(48);
    expect(Buffer.from(auditLeaf(key, 41, salt, event)).equals(leaf)).toBe(true);
    expect(Buffer.from(auditLeaf(key, 41, salt, event, leaf)).equals(leaf)).toBe(true);
  });

  it('older 64-byte leaves still open and are still attributed, on both sides', () => {
    const salt = randomBytes(16);
    const old = fullTagLeaf(41, salt, event);
    expect(opensLeaf(old, key, 41, salt, event)).toBe(true);
    expect(tagMatches(old, key, 41)).toBe(true);
    expect(carriesTag(old, key, 41)).toBe(true);
    expect(Buffer.from(auditLeaf(key, 41, salt, event, old)).equals(old)).toBe(true);
  });

  it('attribute nothing under another key or seq, and a changed event does not open', () => {
    const salt = derivedSalt(key, 41);
    const leaf = makeLeaf(key, 41, salt, event);
    const other = randomBytes(32);
    for (const [k, seq] of [
      [other, 41],
      [key, 42],
    ] as const) {
      expect(tagMatches(leaf, k, seq)).toBe(false);
      expect(carriesTag(leaf, k, seq)).toBe(false);
    }
    expect(opensLeaf(leaf, key, 41, salt, event.replace('77', '78'))).toBe(false);
    expect(opensLeaf(leaf, key, 41, randomBytes(16), event)).toBe(false);
  });

  it('refuse leaves of any other length, and no key attributes a void leaf', () => {
    const leaf = makeLeaf(key, 41, derivedSalt(key, 41), event);
    for (const cut of [leaf.subarray(0, 47), Buffer.concat([leaf, Buffer.alloc(1)]), Buffer.alloc(0)]) {
      expect(tagMatches(cut, key, 41)).toBe(false);
      expect(carriesTag(cut, key, 41)).toBe(false);
    }
    expect(voidLeaf(41)).toHaveLength(64);
    expect(tagMatches(voidLeaf(41), key, 41)).toBe(false);
  });
});
