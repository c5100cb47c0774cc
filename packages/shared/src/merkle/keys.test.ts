import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { fromBase64, toHex, utf8Encode } from './encoding.ts';
import {
  ed25519KeyId,
  formatKeyId,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  parseSignerKey,
  parseVerifierKey,
} from './keys.ts';

// From golang.org/x/mod/sumdb/note (note.go docs and note_test.go).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

describe('key IDs', () => {
  const publicKey = fromBase64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').slice(1);

  it('match Go and two independent SHA-256 computations', () => {
    const viaNode = createHash('sha256')
      .update('PeterNeumann\n', 'utf8')
      .update(new Uint8Array([0x01]))
      .update(publicKey)
      .digest('hex')
      .slice(0, 8);
    const viaNoble = toHex(
      sha256(new Uint8Array([...utf8Encode('PeterNeumann\n'), 0x01, ...publicKey])),
    ).slice(0, 8);
    expect(viaNode).toBe('c74f20a3');
    expect(viaNoble).toBe('c74f20a3');
    expect(formatKeyId(ed25519KeyId('PeterNeumann', publicKey))).toBe('c74f20a3');
  });

  it('hashes the name as UTF-8', () => {
    const name = 'ex\u00e4mple.org/log';
    const want = createHash('sha256')
      .update(`${name}\n`, 'utf8')
      .update(new Uint8Array([1]))
      .update(publicKey);
    expect(formatKeyId(ed25519KeyId(name, publicKey))).toBe(want.digest('hex').slice(0, 8));
  });

  it('pads small IDs to eight digits', () => {
    expect(formatKeyId(0x1a)).toBe('0000001a');
  });
});

describe('key strings', () => {
  it('reproduces the Go key pair from its seed', () => {
    const signer = parseSignerKey(PETER_SKEY);
    if (!signer.ok) throw new Error(signer.reason);
    expect(generateSignerKey('PeterNeumann', signer.key.seed)).toEqual({
      skey: PETER_SKEY,
      vkey: PETER_VKEY,
    });
    expect(formatVerifierKey(signer.key.name, signer.key.publicKey)).toBe(PETER_VKEY);
  });

  it('parses a verifier key', () => {
    const parsed = parseVerifierKey(PETER_VKEY);
    expect(parsed.ok && parsed.key.name).toBe('PeterNeumann');
    expect(parsed.ok && parsed.key.keyId).toBe(0xc74f20a3);
  });

  it('generates keys that parse back', () => {
    const { skey, vkey } = generateSignerKey('shoebox.example/audit/1');
    const s = parseSignerKey(skey);
    const v = parseVerifierKey(vkey);
    if (!s.ok || !v.ok) throw new Error('generated key did not parse');
    expect(v.key.publicKey).toEqual(s.key.publicKey);
    expect(v.key.keyId).toBe(s.key.keyId);
    expect(vkey.startsWith('shoebox.example/audit/1+')).toBe(true);
  });

  it('rejects every truncation and one-character change (as Go does)', () => {
    for (const key of [PETER_VKEY, PETER_SKEY]) {
      const parse = key === PETER_VKEY ? parseVerifierKey : parseSignerKey;
      for (let i = 0; i < key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i === 0 && j === key.length) continue;
          expect(parse(key.slice(i, j)).ok, key.slice(i, j)).toBe(false);
        }
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        expect(parse(changed).ok, changed).toBe(false);
      }
    }
  });

  it('rejects wrong lengths and unknown algorithms even with matching IDs', () => {
    expect(
      parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==').ok,
    ).toBe(false);
    expect(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').ok).toBe(
      false,
    );
    expect(parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')).ok).toBe(false);
  });

  it('validates key names', () => {
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2028b', 'a\u0001b', 'a\ud800b']) {
      expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
      expect(() => generateSignerKey(bad)).toThrow(TypeError);
    }
    expect(isValidKeyName('example.com/log-\u00e9')).toBe(true);
  });
});
