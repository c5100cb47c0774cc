import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { fromBase64, toBase64, utf8Encode } from './encoding.ts';
import { leafHash } from './hash.ts';
import { generateSignerKey, parseVerifierKey } from './keys.ts';
import { noteTextProblem, parseNote } from './note.ts';

const ORIGIN = 'shoebox.example/shoebox-audit/1';
const { skey, vkey } = generateSignerKey(ORIGIN);
const ROOT = leafHash(utf8Encode('root'));
const CP = { origin: ORIGIN, size: 20852163, rootHash: ROOT };

describe('checkpoint body', () => {
  it('has the C2SP layout', () => {
    expect(formatCheckpoint(CP)).toBe(`${ORIGIN}\n20852163\n${toBase64(ROOT)}\n`);
    expect(formatCheckpoint({ ...CP, size: 0, extensions: ['x y', 'z'] })).toBe(
      `${ORIGIN}\n0\n${toBase64(ROOT)}\nx y\nz\n`,
    );
  });

  it('parses the C2SP spec example', () => {
    const example =
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
      '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
    const note = parseNote(example);
    if (!note.ok) throw new Error(note.reason);
    const cp = parseCheckpoint(note.note.text);
    expect(cp.ok && cp.checkpoint.size).toBe(20852163);
    expect(cp.ok && cp.checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(note.note.signatures[0]?.keyId).toBe(0x033de0ae);
    // Its key is not published, and a fresh key of the same name must not open it.
    expect(openCheckpoint(example, generateSignerKey('example.com/behind-the-sofa').vkey).ok).toBe(false);
  });

  it('round-trips exactly', () => {
    const line = fc
      .string({ minLength: 1, unit: 'grapheme' })
      .filter((s) => !s.includes('\n') && noteTextProblem(`${s}\n`) === undefined);
    fc.assert(
      fc.property(
        line,
        fc.maxSafeNat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const body = formatCheckpoint({ origin, size, rootHash, extensions });
          const parsed = parseCheckpoint(body);
          expect(parsed).toEqual({ ok: true, checkpoint: { origin, size, rootHash, extensions } });
          if (parsed.ok) expect(formatCheckpoint(parsed.checkpoint)).toBe(body);
        },
      ),
    );
  });

  it.each([
    ['too few lines', `${ORIGIN}\n5\n`],
    ['no final newline', `${ORIGIN}\n5\n${toBase64(ROOT)}`],
    ['empty origin', `\n5\n${toBase64(ROOT)}\n`],
    ['leading zero', `${ORIGIN}\n05\n${toBase64(ROOT)}\n`],
    ['sign', `${ORIGIN}\n+5\n${toBase64(ROOT)}\n`],
    ['size beyond 2^53', `${ORIGIN}\n9007199254740993\n${toBase64(ROOT)}\n`],
    ['short root', `${ORIGIN}\n5\n${toBase64(ROOT.slice(1))}\n`],
    ['unpadded root', `${ORIGIN}\n5\n${toBase64(ROOT).slice(0, -1)}\n`],
    ['empty extension line', `${ORIGIN}\n5\n${toBase64(ROOT)}\n\n`],
  ])('rejects %s', (_, body) => {
    expect(parseCheckpoint(body).ok).toBe(false);
  });

  it('refuses to format what it could not parse', () => {
    expect(() => formatCheckpoint({ ...CP, origin: 'a\nb' })).toThrow(TypeError);
    expect(() => formatCheckpoint({ ...CP, size: -1 })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...CP, size: 1.5 })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...CP, rootHash: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => formatCheckpoint({ ...CP, extensions: [''] })).toThrow(TypeError);
  });
});

describe('signed checkpoints', () => {
  const note = signCheckpoint(skey, { ...CP, extensions: ['ext'] });

  it('round-trips through sign and open', () => {
    expect(note.startsWith(`${ORIGIN}\n20852163\n${toBase64(ROOT)}\next\n\n\u2014 ${ORIGIN} `)).toBe(true);
    expect(openCheckpoint(note, vkey)).toEqual({ ok: true, checkpoint: { ...CP, extensions: ['ext'] } });
    expect(openCheckpoint(utf8Encode(note), vkey).ok).toBe(true);
    const key = parseVerifierKey(vkey);
    expect(key.ok && openCheckpoint(note, key.key).ok).toBe(true);
  });

  it('ignores extra signatures from unknown keys, such as witnesses', () => {
    const witness = generateSignerKey('witness.example');
    const cosigned = signCheckpoint(witness.skey, CP);
    const ownSig = signCheckpoint(skey, CP).split('\n\n')[1] ?? '';
    const both = `${cosigned}${ownSig}`;
    expect(openCheckpoint(both, vkey).ok).toBe(true);
    expect(openCheckpoint(cosigned, vkey)).toEqual({
      ok: false,
      reason: 'note is not signed by a known key',
    });
  });

  it('rejects a note signed by another key', () => {
    const other = generateSignerKey(ORIGIN);
    expect(openCheckpoint(signCheckpoint(other.skey, CP), vkey).ok).toBe(false);
  });

  it.each([
    ['size', (n: string) => n.replace('\n20852163\n', '\n20852164\n')],
    ['origin', (n: string) => n.replace(`${ORIGIN}\n`, `${ORIGIN}x\n`)],
    ['extension', (n: string) => n.replace('\next\n', '\next2\n')],
    ['dropped extension', (n: string) => n.replace('\next\n', '\n')],
    ['root', (n: string) => n.replace(toBase64(ROOT), toBase64(leafHash(ROOT)))],
    ['signature', (n: string) => flipSignatureBit(n)],
    ['trailing junk', (n: string) => `${n}junk\n`],
    ['trailing blank line', (n: string) => `${n}\n`],
    ['missing final newline', (n: string) => n.slice(0, -1)],
    ['CRLF line ends', (n: string) => n.replaceAll('\n', '\r\n')],
    ['no blank line', (n: string) => n.replace('\n\n', '\n')],
  ])('rejects tampered %s', (_, tamper) => {
    expect(openCheckpoint(tamper(note), vkey).ok).toBe(false);
  });

  it('rejects malformed verifier keys instead of throwing', () => {
    expect(openCheckpoint(note, 'not a key')).toEqual({ ok: false, reason: 'malformed verifier key' });
  });

  it('binds the origin to the key name unless told otherwise', () => {
    const elsewhere = signCheckpoint(skey, { ...CP, origin: 'other.example/log' });
    expect(openCheckpoint(elsewhere, vkey).ok).toBe(false);
    expect(openCheckpoint(elsewhere, vkey, { origin: 'other.example/log' }).ok).toBe(true);
    expect(openCheckpoint(note, vkey, { origin: 'other.example/log' }).ok).toBe(false);
  });

  it('throws on a bad signer key', () => {
    expect(() => signCheckpoint(vkey, CP)).toThrow(TypeError);
  });
});

function flipSignatureBit(note: string): string {
  const [body, sigLine = ''] = note.split('\n\n');
  const prefix = `\u2014 ${ORIGIN} `;
  const raw = fromBase64(sigLine.slice(prefix.length, -1));
  raw[10] = (raw[10] ?? 0) ^ 1;
  return `${body}\n\n${prefix}${toBase64(raw)}\n`;
}
