import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonObject } from '@shoebox/shared/canonical-json';
import type { JsonValue } from '@shoebox/shared/canonical-json';
import {
  decodeBody,
  decodeStored,
  decodeTerm,
  encodeBody,
  encodeTerm,
  mayContain,
  termRefs,
} from './audit.codec.ts';

const upload: JsonObject = {
  ip: '203.0.113.77',
  place: {
    label: 'Shenzhen, Guangdong, China',
    city: 'Shenzhen',
    region: 'Guangdong',
    country: 'China',
    countryCode: 'CN',
    latitude: 22.5455,
    longitude: 114.0683,
    accuracyKm: 50,
  },
  photoId: '0b6e1f0c-51a4-4a3b-9a55-2f7d1f4f0c11',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  deviceId: '9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f',
  sessionId: '11111111-2222-4333-8444-555555555555',
};

/** The committed text of the decoded body must be the committed text of the original. */
const roundTrips = (body: JsonObject) =>
  expect(canonicalJson(decodeBody(encodeBody(body)))).toBe(canonicalJson(body));

describe('audit body codec', () => {
  it('packs a real upload body to a third of its text and rebuilds the exact text', () => {
    const stored = encodeBody(upload);
    expect(stored[0]).toBe(0x01);
    roundTrips(upload);
    expect(stored.length).toBeLessThan(Buffer.byteLength(canonicalJson(upload)) / 2);
    expect(stored.length).toBeLessThanOrEqual(190);
  });

  it.each([
    ['nulls and booleans', { a: null, b: true, c: false, deviceId: null }],
    ['integers at the edges', { n: 0, m: -1, big: Number.MAX_SAFE_INTEGER, low: Number.MIN_SAFE_INTEGER }],
    ['decimals and floats', { x: 0.1, y: -33.8688, z: 1e-7, w: 1.5e300, v: -0.000123456789, u: 2 ** 60 }],
    ['negative zero (text "0")', { z: -0 }],
    [
      'strings that look like packed forms but are not',
      { a: '0B6E1F0C-51A4-4A3B-9A55-2F7D1F4F0C11', b: '01.2.3.4', c: 'E3B0' },
    ],
    ['unicode and escapes', { label: '深圳市, 广东省', s: 'line\nbreak "quoted" \u0000 😀' }],
    [
      'nested arrays and objects',
      { factors: ['password', 'totp'], riskFlags: [], deep: [[{ k: [1, { m: 'x' }] }]] },
    ],
    [
      'unknown keys, including __proto__',
      JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "ключ": 2}') as JsonObject,
    ],
    ['an empty body', {}],
  ])('round-trips %s', (_name, body) => {
    roundTrips(body);
  });

  it('reads the plain-text form it falls back to', () => {
    const stored = Buffer.concat([Buffer.from([0x00]), Buffer.from(canonicalJson(upload), 'utf8')]);
    expect(canonicalJson(decodeBody(stored))).toBe(canonicalJson(upload));
  });

  it('refuses what the committed text refuses (an undefined member, a lone surrogate)', () => {
    expect(() => encodeBody({ a: 1, b: undefined } as unknown as JsonObject)).toThrow(TypeError);
    expect(() => encodeBody({ s: 'a\ud800b' })).toThrow(/lone surrogate/);
  });

  it('refuses bytes it could not have written', () => {
    const stored = encodeBody(upload);
    expect(() => decodeBody(stored.subarray(0, stored.length - 3))).toThrow(RangeError);
    expect(() => decodeBody(Buffer.concat([stored, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeBody(Buffer.from([0x07]))).toThrow(/unknown audit body format/);
    expect(() => decodeBody(Buffer.from([0x01, 0x63]))).toThrow(/unknown audit body tag/);
    expect(() => decodeBody(Buffer.from([0x01, 0x03, 0x05]))).toThrow(/not an object/);
    // An object claiming more members than it has bytes for.
    expect(() => decodeBody(Buffer.from([0x01, 0x0c, 0x7f]))).toThrow(/count exceeds/);
  });

  it('changes the rebuilt text when any stored byte of a value changes', () => {
    const stored = encodeBody(upload);
    const text = canonicalJson(upload);
    let changed = 0;
    for (let i = 1; i < stored.length; i++) {
      const copy = Buffer.from(stored);
      copy[i] = (copy[i] ?? 0) ^ 0x01;
      try {
        if (canonicalJson(decodeBody(copy)) !== text) changed++;
      } catch {
        changed++; // undecodable is caught too
      }
    }
    expect(changed).toBe(stored.length - 1);
  });

  it('reads rows kept verbatim from before the compact format', () => {
    const text = '{"at":5,"body":{"ip":null},"kind":"password.changed","seq":3,"v":1}';
    const stored = Buffer.concat([Buffer.from([0x02]), Buffer.from(text, 'utf8')]);
    expect(decodeStored(stored)).toEqual({ eventText: text });
    expect(decodeStored(encodeBody(upload))).toEqual({ body: upload });
  });

  it('tells which stored bodies may hold an id, without decoding', () => {
    const stored = encodeBody(upload);
    expect(mayContain(stored, upload['photoId'] as string)).toBe(true);
    expect(mayContain(stored, upload['sha256'] as string)).toBe(true);
    expect(mayContain(stored, '203.0.113.77')).toBe(true);
    expect(mayContain(stored, 'Shenzhen')).toBe(true);
    expect(mayContain(stored, '0b6e1f0c-51a4-4a3b-9a55-2f7d1f4f0c12')).toBe(false);
    const verbatim = Buffer.concat([Buffer.from([0x02]), Buffer.from(canonicalJson(upload), 'utf8')]);
    expect(mayContain(verbatim, upload['photoId'] as string)).toBe(true);
  });

  describe('terms (values stored once per account)', () => {
    const place = upload['place'] as JsonValue;
    const deviceId = upload['deviceId'] as JsonValue;
    // Numbers as audit_terms would give them; the big one takes a three-byte varint.
    const numbers = new Map([
      [canonicalJson(place), 7],
      [canonicalJson(deviceId), 70_000],
    ]);
    const values = new Map<number, JsonValue>([
      [7, place],
      [70_000, deviceId],
    ]);
    const term = (no: number): JsonValue => {
      const v = values.get(no);
      if (v === undefined) throw new RangeError(`no term ${no}`);
      return v;
    };

    it('names a top-level value by its number and rebuilds the exact text with it', () => {
      const stored = encodeBody(upload, numbers);
      expect(canonicalJson(decodeBody(stored, term))).toBe(canonicalJson(upload));
      expect(stored.length).toBeLessThan(encodeBody(upload).length - 90);
      expect(termRefs(stored).sort()).toEqual([7, 70_000]);
      expect(termRefs(encodeBody(upload))).toEqual([]);
    });

    it('finds by skipping the same terms that decoding meets, whatever the body holds', () => {
      const bodies: JsonObject[] = [
        upload,
        { ...upload, extra: [1.5, -2, null, true, 'x', { deep: ['0b6e1f0c-51a4-4a3b-9a55-2f7d1f4f0c11'] }] },
        { ключ: { place }, n: Number.MAX_SAFE_INTEGER, f: 1.5e300, place, deviceId },
        {},
      ];
      for (const body of bodies) {
        const stored = encodeBody(body, numbers);
        const met: number[] = [];
        decodeBody(stored, (no) => (met.push(no), term(no)));
        expect(termRefs(stored)).toEqual(met);
      }
      expect(() => termRefs(Buffer.from([0x01, 0x0c, 0x01, 0x00, 0x63]))).toThrow(/unknown audit body tag/);
    });

    it('cannot be read without its terms, or with a term of another value', () => {
      const stored = encodeBody(upload, numbers);
      expect(() => decodeBody(stored)).toThrow(/names term/);
      const other = decodeBody(stored, (no) => (no === 7 ? { label: 'Elsewhere' } : term(no)));
      expect(canonicalJson(other)).not.toBe(canonicalJson(upload));
    });

    it('never stands below the top level', () => {
      const nested = { factors: [deviceId], place };
      const stored = encodeBody(nested, numbers);
      expect(termRefs(stored)).toEqual([7]);
      // A term tag inside an array or a nested object: bytes no release writes.
      expect(() => decodeBody(Buffer.from([0x01, 0x0c, 0x01, 0x0c, 0x0b, 0x01, 0x0d, 0x07]), term)).toThrow(
        /stands where none may/,
      );
      expect(() => decodeBody(Buffer.from([0x01, 0x0d, 0x07]), term)).toThrow(/stands where none may/);
    });

    it('stores a term value in the body packing, and refuses trailing bytes', () => {
      for (const v of [place, deviceId, 'session-1', { nested: [1, 'x'] }])
        expect(canonicalJson(decodeTerm(encodeTerm(v)))).toBe(canonicalJson(v));
      expect(encodeTerm(deviceId)).toHaveLength(17);
      expect(() => decodeTerm(Buffer.concat([encodeTerm(deviceId), Buffer.from([0])]))).toThrow(/trailing/);
    });
  });
});
