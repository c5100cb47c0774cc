import { describe, expect, it } from 'vitest';
import { utf8Encode } from './encoding.ts';
import { parseSignerKey, parseVerifierKey, type VerifierKey } from './keys.ts';
import { openNote, parseNote, signNote } from './note.ts';

// golang.org/x/mod/sumdb/note note_test.go
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function vkey(text: string): VerifierKey {
  const parsed = parseVerifierKey(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.key;
}
const PETER = vkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
const ENOCH = vkey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');

describe('signNote', () => {
  it('matches Go byte for byte (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(PETER_SKEY);
    if (!signer.ok) throw new Error(signer.reason);
    expect(signNote(TEXT, [signer.key])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('refuses text that would not parse back', () => {
    const signer = parseSignerKey(PETER_SKEY);
    if (!signer.ok) throw new Error(signer.reason);
    expect(() => signNote('no newline', [signer.key])).toThrow(TypeError);
    expect(() => signNote('tab\there\n', [signer.key])).toThrow(TypeError);
    expect(() => signNote(TEXT, [])).toThrow(TypeError);
  });
});

describe('openNote', () => {
  it('verifies known keys and sets aside unknown ones', () => {
    const one = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER]);
    expect(one.ok && one.text).toBe(TEXT);
    expect(one.ok && one.verifiedBy).toEqual([PETER]);
    expect(one.ok && one.unknown.map((s) => s.name)).toEqual(['EnochRoot']);
    const both = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER, ENOCH]);
    expect(both.ok && both.verifiedBy).toEqual([PETER, ENOCH]);
  });

  it('accepts bytes as well as strings', () => {
    expect(openNote(utf8Encode(`${TEXT}\n${PETER_SIG}`), [PETER]).ok).toBe(true);
  });

  it('rejects notes no known key signed', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [])).toEqual({
      ok: false,
      reason: 'note is not signed by a known key',
    });
    // Same name, different key: must be ignored, not trusted.
    const impostor = { ...ENOCH, name: 'PeterNeumann' };
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [impostor]).ok).toBe(false);
  });

  it('rejects a bad signature from a known key even next to a good one', () => {
    const bad = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(openNote(`${TEXT}\n${bad}`, [PETER]).ok).toBe(false);
    expect(openNote(`${TEXT}\n${PETER_SIG}${bad}`, [PETER]).ok).toBe(false);
    const otherText = TEXT.replace('answer', 'Answer');
    expect(openNote(`${otherText}\n${PETER_SIG}`, [PETER]).ok).toBe(false);
    // Right name and ID but another public key: verification, not lookup, must fail it.
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [{ ...PETER, publicKey: ENOCH.publicKey }]).ok).toBe(false);
  });

  it('rejects ambiguous key lists', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [PETER, { ...PETER }]).ok).toBe(false);
  });

  it('caps the number of signatures', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(16)}`, [PETER]).ok).toBe(true);
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [PETER]).ok).toBe(false);
  });

  it.each([
    ['no signature block', TEXT],
    ['blank line but no signatures', `${TEXT}\n`],
    ['missing final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['carriage return', `${TEXT.replace('\n', '\r\n')}\n${PETER_SIG}`],
    ['lone surrogate', `\ud800${TEXT}\n${PETER_SIG}`],
    [
      'space in key name',
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    ],
    ['trailing junk line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['trailing blank line', `${TEXT}\n${PETER_SIG}\n`],
    ['hyphen instead of em dash', `${TEXT}\n${PETER_SIG.replace('\u2014', '-')}`],
    ['short signature', `${TEXT}\n\u2014 PeterNeumann x08go/Y=\n`],
    ['non-canonical base64', `${TEXT}\n${PETER_SIG.replace('M=\n', 'N=\n')}`],
  ])('rejects malformed note: %s', (_, msg) => {
    expect(openNote(msg, [PETER]).ok).toBe(false);
  });

  it('rejects invalid UTF-8 bytes', () => {
    const bytes = utf8Encode(`x${TEXT}\n${PETER_SIG}`);
    bytes[0] = 0xff;
    expect(parseNote(bytes).ok).toBe(false);
  });

  it('splits at the last blank line, so text may contain blank lines', () => {
    const signer = parseSignerKey(PETER_SKEY);
    if (!signer.ok) throw new Error(signer.reason);
    const text = 'para one\n\npara two\n';
    const opened = openNote(signNote(text, [signer.key]), [PETER]);
    expect(opened.ok && opened.text).toBe(text);
  });
});
