import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, tryFromBase64, utf8Encode } from './encoding.ts';
import { emptyRoot, leafHash, nodeHash } from './hash.ts';

// Known answers from transparency-dev/merkle rfc6962/rfc6962_test.go.
describe('RFC 6962 hashing', () => {
  it('empty root is SHA-256 of nothing', () => {
    expect(toHex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes leaves with the 0x00 prefix', () => {
    expect(toHex(leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(toHex(leafHash(utf8Encode('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('hashes nodes with the 0x01 prefix', () => {
    expect(toHex(nodeHash(utf8Encode('N123'), utf8Encode('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('keeps leaves and nodes apart', () => {
    const a = leafHash(utf8Encode('Hello'));
    const b = leafHash(utf8Encode('World'));
    const joined = new Uint8Array([...a, ...b]);
    expect(bytesEqual(nodeHash(a, b), leafHash(joined))).toBe(false);
    expect(bytesEqual(nodeHash(a, b), nodeHash(b, a))).toBe(false);
  });
});

describe('encoding', () => {
  it('round-trips base64 of every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = toBase64(bytes);
      expect(text).toBe(globalThis.btoa(String.fromCharCode(...bytes)));
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it('rejects non-canonical base64', () => {
    for (const bad of [
      'A',
      'AA',
      'AA=',
      'AB==',
      'AAB=',
      'A===',
      'AA==AA==',
      ' AAA',
      'AA\n==',
      '-_==',
      'AAA=A',
    ]) {
      expect(tryFromBase64(bad), bad).toBeUndefined();
    }
    expect(() => fromBase64('AB==')).toThrow(TypeError);
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]));
  });

  it('round-trips hex', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
  });
});
