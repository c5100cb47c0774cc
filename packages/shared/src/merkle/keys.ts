// Ed25519 signed-note keys in the text formats of golang.org/x/mod/sumdb/note:
//   verifier  <name>+<hex key ID>+<base64(0x01 ‖ public key)>
//   signer    PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, tryFromBase64, utf8Encode } from './encoding.ts';
import { failure as fail, type Failure } from './result.ts';

/** Signature type byte for Ed25519 in c2sp.org/signed-note. */
export const ED25519_SIGNATURE_TYPE = 0x01;

export interface VerifierKey {
  readonly name: string;
  /** uint32 key ID, the first 4 bytes of the key hash read big-endian. */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** 32-byte Ed25519 seed (RFC 8032 secret key). */
  readonly seed: Uint8Array;
}

export type VerifierKeyResult = { readonly ok: true; readonly key: VerifierKey } | Failure;
export type SignerKeyResult = { readonly ok: true; readonly key: SignerKey } | Failure;

const PRIVATE_PREFIX = 'PRIVATE+KEY+';

/**
 * Key names must be non-empty without spaces or '+' (the spec); we also refuse
 * control characters and lone surrogates, which could never appear in a valid note.
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}\p{Cc}\p{Cs}+]/u.test(name);
}

/** SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4] as a big-endian uint32. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  const nameBytes = utf8Encode(name);
  const buf = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  buf.set(nameBytes);
  buf[nameBytes.length] = 0x0a;
  buf[nameBytes.length + 1] = ED25519_SIGNATURE_TYPE;
  buf.set(publicKey, nameBytes.length + 2);
  const digest = sha256(buf);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

/** Eight lowercase hex digits, as key IDs appear in key strings. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Verifier key string for an Ed25519 public key. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  assertKeyName(name);
  if (publicKey.length !== 32) throw new RangeError('Ed25519 public key must be 32 bytes');
  const data = toBase64(withType(publicKey));
  return `${name}+${formatKeyId(ed25519KeyId(name, publicKey))}+${data}`;
}

/** New random key pair; `seed` only for reproducible tests. */
export function generateSignerKey(name: string, seed?: Uint8Array): { skey: string; vkey: string } {
  assertKeyName(name);
  const secret = seed ?? ed25519.utils.randomSecretKey();
  if (secret.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  const publicKey = ed25519.getPublicKey(secret);
  const keyId = formatKeyId(ed25519KeyId(name, publicKey));
  return {
    skey: `${PRIVATE_PREFIX}${name}+${keyId}+${toBase64(withType(secret))}`,
    vkey: formatVerifierKey(name, publicKey),
  };
}

/** Parses and checks a verifier key string (name, ID against the key, type, length). */
export function parseVerifierKey(vkey: string): VerifierKeyResult {
  const parts = splitKey(vkey);
  if (parts === undefined) return fail('malformed verifier key');
  const publicKey = parts.keyData;
  const keyId = ed25519KeyId(parts.name, publicKey);
  if (keyId !== parts.keyId) return fail('verifier key ID does not match the key');
  return { ok: true, key: { name: parts.name, keyId, publicKey } };
}

/** Parses a signer key string and checks its ID against the derived public key. */
export function parseSignerKey(skey: string): SignerKeyResult {
  if (!skey.startsWith(PRIVATE_PREFIX)) return fail('malformed signer key');
  const parts = splitKey(skey.slice(PRIVATE_PREFIX.length));
  if (parts === undefined) return fail('malformed signer key');
  const seed = parts.keyData;
  const publicKey = ed25519.getPublicKey(seed);
  const keyId = ed25519KeyId(parts.name, publicKey);
  if (keyId !== parts.keyId) return fail('signer key ID does not match the key');
  return { ok: true, key: { name: parts.name, keyId, publicKey, seed } };
}

interface KeyParts {
  name: string;
  keyId: number;
  /** The 32 key bytes after the Ed25519 type byte. */
  keyData: Uint8Array;
}

// <name>+<8 hex>+<base64(0x01 ‖ 32 bytes)>; base64 may itself contain '+'.
function splitKey(text: string): KeyParts | undefined {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) return undefined;
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const data = tryFromBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || data === undefined) return undefined;
  if (data.length !== 33 || data[0] !== ED25519_SIGNATURE_TYPE) return undefined;
  return { name, keyId: Number.parseInt(idHex, 16), keyData: data.slice(1) };
}

function withType(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = ED25519_SIGNATURE_TYPE;
  out.set(key, 1);
  return out;
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
}
