// c2sp.org/tlog-checkpoint: "<origin>\n<size>\n<base64 root>\n" plus optional
// extension lines, carried as a signed note.
import { toBase64, tryFromBase64 } from './encoding.ts';
import { HASH_SIZE } from './hash.ts';
import { parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from './keys.ts';
import { noteTextProblem, openNote, signNote } from './note.ts';
import { failure as fail, type Failure } from './result.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque extra lines; C2SP calls them NOT RECOMMENDED, monitors cannot audit them. */
  readonly extensions: readonly string[];
}

export interface CheckpointInput {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

export type CheckpointResult = { readonly ok: true; readonly checkpoint: Checkpoint } | Failure;

export interface OpenCheckpointOptions {
  /** Required origin line; defaults to the verifier key's name, as our logs use one key per origin. */
  readonly origin?: string;
}

// A line must not break the line layout or the signed-note character rules.
function isValidLine(line: string): boolean {
  return line.length > 0 && !line.includes('\n') && noteTextProblem(`${line}\n`) === undefined;
}

/** Checkpoint body text. Throws on values that could not round-trip. */
export function formatCheckpoint(cp: CheckpointInput): string {
  const extensions = cp.extensions ?? [];
  if (!isValidLine(cp.origin)) throw new TypeError('origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new RangeError('size must be a safe integer');
  if (cp.rootHash.length !== HASH_SIZE) throw new RangeError('root hash must be 32 bytes');
  if (!extensions.every(isValidLine)) throw new TypeError('extension lines must be non-empty lines');
  return [cp.origin, String(cp.size), toBase64(cp.rootHash), ...extensions].map((l) => `${l}\n`).join('');
}

/**
 * Parses checkpoint body text. Only the canonical spelling is accepted, so
 * formatCheckpoint(parsed) reproduces the signed bytes exactly.
 */
export function parseCheckpoint(body: string): CheckpointResult {
  if (!body.endsWith('\n')) return fail('checkpoint must end with a newline');
  const [origin, sizeText, rootText, ...extensions] = body.slice(0, -1).split('\n');
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    return fail('checkpoint needs origin, size and root lines');
  }
  if (!isValidLine(origin)) return fail('invalid origin line');
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) return fail('invalid tree size');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return fail('tree size is too large');
  const rootHash = tryFromBase64(rootText);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) return fail('invalid root hash');
  if (!extensions.every(isValidLine)) return fail('invalid extension line');
  return { ok: true, checkpoint: { origin, size, rootHash, extensions } };
}

/** Formats and signs a checkpoint; `skey` is a PRIVATE+KEY+… string or parsed key. Throws on bad input. */
export function signCheckpoint(skey: string | SignerKey, cp: CheckpointInput): string {
  let key: SignerKey;
  if (typeof skey === 'string') {
    const parsed = parseSignerKey(skey);
    if (!parsed.ok) throw new TypeError(parsed.reason);
    key = parsed.key;
  } else {
    key = skey;
  }
  return signNote(formatCheckpoint(cp), [key]);
}

/** Verifies a signed checkpoint note against one log key and parses its body. */
export function openCheckpoint(
  note: string | Uint8Array,
  vkey: string | VerifierKey,
  options: OpenCheckpointOptions = {},
): CheckpointResult {
  let key: VerifierKey;
  if (typeof vkey === 'string') {
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok) return parsed;
    key = parsed.key;
  } else {
    key = vkey;
  }
  const opened = openNote(note, [key]);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.text);
  if (!parsed.ok) return parsed;
  const origin = options.origin ?? key.name;
  if (parsed.checkpoint.origin !== origin) {
    return fail(
      `checkpoint origin ${JSON.stringify(parsed.checkpoint.origin)} is not ${JSON.stringify(origin)}`,
    );
  }
  return parsed;
}
