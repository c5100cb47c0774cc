// c2sp.org/signed-note: text ending in "\n", a blank line, then one line per
// signature: "— <key name> <base64(key ID[4] ‖ signature)>".
import { ed25519 } from '@noble/curves/ed25519.js';
import { toBase64, tryFromBase64, utf8Encode } from './encoding.ts';
import { isValidKeyName, type SignerKey, type VerifierKey } from './keys.ts';
import { failure as fail, type Failure } from './result.ts';

/** Verifiers must accept at least 16; the cap bounds work on hostile input. */
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 '; // em dash, space

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** Signature bytes without the key ID. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** Signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export type NoteResult = { readonly ok: true; readonly note: Note } | Failure;

export interface OpenedNote {
  readonly text: string;
  /** Known keys whose signatures verified. */
  readonly verifiedBy: readonly VerifierKey[];
  /** Signatures by keys the caller did not pass in (e.g. witnesses); unchecked. */
  readonly unknown: readonly NoteSignature[];
}
export type OpenNoteResult = ({ readonly ok: true } & OpenedNote) | Failure;

/** Why `text` cannot be signed note text, or undefined if it can. */
export function noteTextProblem(text: string): string | undefined {
  if (!text.endsWith('\n')) return 'note text must end with a newline';
  if (/\p{Cs}/u.test(text)) return 'note is not valid UTF-8';
  if (hasForbiddenControl(text)) return 'note contains control characters';
  return undefined;
}

// The spec forbids ASCII controls below U+0020 except newline (DEL and C1 are allowed).
function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

/** Signs `text` with each signer, giving the full signed note. Throws on bad input. */
export function signNote(text: string, signers: readonly SignerKey[]): string {
  const problem = noteTextProblem(text);
  if (problem !== undefined) throw new TypeError(problem);
  if (signers.length === 0) throw new TypeError('at least one signer is required');
  const message = utf8Encode(text);
  const lines = signers.map((s) => {
    const sig = ed25519.sign(message, s.seed);
    const body = new Uint8Array(4 + sig.length);
    new DataView(body.buffer).setUint32(0, s.keyId, false);
    body.set(sig, 4);
    return `${SIG_PREFIX}${s.name} ${toBase64(body)}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into text and signature lines, checking syntax only. */
export function parseNote(msg: string | Uint8Array): NoteResult {
  const decoded = typeof msg === 'string' ? msg : decodeUtf8(msg);
  if (decoded === undefined) return fail('note is not valid UTF-8');
  const problem = noteTextProblem(decoded);
  if (problem !== undefined) return fail(problem);
  // The text may hold blank lines itself; the last one starts the signatures.
  const split = decoded.lastIndexOf('\n\n');
  if (split < 0) return fail('note has no signature block');
  if (split + 2 === decoded.length) return fail('note has no signatures');
  const lines = decoded.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return fail('note has too many signatures');
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    if (sig === undefined) return fail('malformed signature line');
    signatures.push(sig);
  }
  return { ok: true, note: { text: decoded.slice(0, split + 1), signatures } };
}

function parseSignatureLine(line: string): NoteSignature | undefined {
  if (!line.startsWith(SIG_PREFIX)) return undefined;
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const raw = space < 0 ? undefined : tryFromBase64(rest.slice(space + 1));
  if (raw === undefined || raw.length < 5 || !isValidKeyName(name)) return undefined;
  const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, false);
  return { name, keyId, signature: raw.slice(4) };
}

/**
 * Verifies a note against known keys. Per the spec, unknown keys are ignored, a
 * known key's bad signature rejects the whole note, and at least one known key
 * must have signed.
 */
export function openNote(msg: string | Uint8Array, known: readonly VerifierKey[]): OpenNoteResult {
  const parsed = parseNote(msg);
  if (!parsed.ok) return parsed;
  const { text, signatures } = parsed.note;
  const message = utf8Encode(text);
  const verifiedBy: VerifierKey[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of signatures) {
    const matches = known.filter((k) => k.name === sig.name && k.keyId === sig.keyId);
    const [key] = matches;
    if (key === undefined) {
      unknown.push(sig);
      continue;
    }
    if (matches.length > 1) return fail(`ambiguous key ${sig.name}`);
    if (!verifyEd25519(sig.signature, message, key.publicKey)) {
      return fail(`invalid signature by key ${sig.name}`);
    }
    if (!verifiedBy.includes(key)) verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) return fail('note is not signed by a known key');
  return { ok: true, text, verifiedBy, unknown };
}

// Strict RFC 8032 verification instead of noble's ZIP 215 default: an honest
// signer never produces the non-canonical encodings ZIP 215 tolerates.
function verifyEd25519(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  try {
    return ed25519.verify(sig, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM keeps a leading BOM in the text, so the signed bytes stay intact.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
