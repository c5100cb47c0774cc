// Byte/text encodings shared by the Merkle and signed-note code. Hand-written
// rather than Buffer/atob so the same strict behaviour holds in Node and browsers.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Canonical padded base64 only: anything else could give one value two spellings,
// which matters for signed text that is compared byte for byte.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard (RFC 4648 §4) base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63);
    out += rest > 1 ? ALPHABET.charAt((n >>> 6) & 63) : '=';
    out += rest > 2 ? ALPHABET.charAt(n & 63) : '=';
  }
  return out;
}

/** Decodes canonical padded base64; returns undefined for anything else. */
export function tryFromBase64(text: string): Uint8Array | undefined {
  if (!STRICT_BASE64.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charAt(i + j);
      n = (n << 6) | (c === '=' ? 0 : ALPHABET.indexOf(c));
    }
    const chunk = [n >>> 16, (n >>> 8) & 255, n & 255];
    for (const b of chunk) if (o < out.length) out[o++] = b;
  }
  // Non-zero bits hidden under the padding are a second spelling of the same bytes.
  return toBase64(out) === text ? out : undefined;
}

/** Decodes canonical padded base64; throws TypeError otherwise. */
export function fromBase64(text: string): Uint8Array {
  const out = tryFromBase64(text);
  if (out === undefined) throw new TypeError('invalid base64');
  return out;
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Decodes even-length hex; throws on invalid input. */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}

export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Byte equality. Not constant-time: every value compared here is public. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
