import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totp } from './totp.ts';

// RFC 6238 appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's key length.
const seed = (length: number) => Buffer.from('1234567890'.repeat(7).slice(0, length), 'ascii');
const VECTORS: [seconds: number, sha1: string, sha256: string, sha512: string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('matches the RFC test vector at T=%i', (seconds, sha1, sha256, sha512) => {
    expect(totp(seed(20), seconds * 1000, 8, 'sha1')).toBe(sha1);
    expect(totp(seed(32), seconds * 1000, 8, 'sha256')).toBe(sha256);
    expect(totp(seed(64), seconds * 1000, 8, 'sha512')).toBe(sha512);
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583'];
    expect(expected.map((_, i) => hotp(key, i))).toEqual(expected);
  });

  it('round-trips base32 (RFC 4648 vectors)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
  });

  it('accepts one step either side, and never a step already used', () => {
    const secret = base32Encode(seed(20));
    const now = 1_111_111_111_000;
    const step = Math.floor(now / 30_000);
    const code = (offset: number) => totp(seed(20), now + offset * 30_000);
    expect(matchTotp(secret, code(0), now, 0)).toBe(step);
    expect(matchTotp(secret, code(-1), now, 0)).toBe(step - 1);
    expect(matchTotp(secret, code(1), now, 0)).toBe(step + 1);
    expect(matchTotp(secret, code(2), now, 0)).toBeNull();
    expect(matchTotp(secret, code(0), now, step)).toBeNull();
    expect(matchTotp(secret, '12345', now, 0)).toBeNull();
  });

  it('writes an otpauth:// URI authenticator apps read', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'me@example.com')).toBe(
      'otpauth://totp/Shoebox%3Ame%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Shoebox&algorithm=SHA1&digits=6&period=30',
    );
  });
});
