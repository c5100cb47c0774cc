// Stored form of an event body (audit_events.body since migration 0024). The committed text is still the RFC 8785
// canonical JSON of {v, seq, kind, at, body}; only its storage is compact: seq, kind and at are columns, and the body
// is a binary encoding that packs what events are made of (UUIDs in 16 bytes, hex SHA-256 in 32, IPv4 addresses in
// 4, decimals as integers, known keys as one byte). Decoding gives back a value whose canonical JSON is the original
// text, so leaves, proofs and exports do not change, and editing any stored byte still changes the rebuilt text
// (verification fails). An encoding that would not rebuild the exact text is never stored: encodeBody() checks the
// round trip and falls back to the canonical text itself.
import type { JsonObject, JsonValue } from '@shoebox/shared/canonical-json';
import { canonicalJson } from '@shoebox/shared/canonical-json';
import { BodyReader, BodyWriter } from './audit.codec-bytes.ts';

/** Body formats (first byte). */
const TEXT = 0x00;
const PACKED = 0x01;
/** A row written before migration 0024: the whole committed event text, verbatim (never written since). */
const VERBATIM_EVENT = 0x02;

/** What a stored body holds: the body alone, or (older rows) the whole committed event text. */
export type StoredBody = { body: JsonObject } | { eventText: string };

/**
 * The value of the owner's term `no` (audit/audit.terms.ts), for bodies that name terms. Throws when there is no such
 * term: the row cannot be opened.
 */
export type TermValue = (no: number) => JsonValue;

/** Term numbers of a body being written, by the canonical JSON of their value. */
export type TermNumbers = ReadonlyMap<string, number>;

const noTerms: TermValue = (no) => {
  throw new RangeError(`audit body names term ${no} but no terms were loaded`);
};

/** Value tags. */
const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  Uint = 3,
  NegInt = 4,
  Float = 5,
  Decimal = 6,
  String = 7,
  Uuid = 8,
  Sha256Hex = 9,
  Ipv4 = 10,
  Array = 11,
  Object = 12,
  /** A value stored once in audit_terms, by its number (since migration 0025; only as a top-level value). */
  Term = 13,
}

/**
 * Keys by code. Append only: stored bodies name keys by their index here, so an entry may never move or change.
 * Keys not listed are stored as text.
 */
export const BODY_KEYS: readonly string[] = [
  'ip', 'place', 'label', 'city', 'region', 'country', 'countryCode', 'latitude', 'longitude', 'accuracyKm',
  'deviceId', 'sessionId', 'factors', 'riskFlags', 'claimedDeviceId', 'failedFactor', 'reason', 'enrolmentId',
  'deviceName', 'enrolledDeviceId', 'factor', 'passkey', 'userVerified', 'backupEligible', 'backedUp',
  'removedDeviceId', 'endedSessionId', 'endedDeviceId', 'previousEmail', 'newEmail', 'proof', 'factorId',
  'remaining', 'photoId', 'sha256', 'albumId', 'granteeAccountId', 'role', 'fromChange', 'toChange', 'servedHead',
  'count', 'digest', 'source', 'previousRole', 'adminAccountId', 'endedSessions', 'deletedAccountId', 'by',
  'inviteId', 'email', 'staffAccountId', 'scope', 'problem', 'detail', 'earlier', 'later', 'earlierSigned',
  'laterSigned', 'fork', 'held', 'haltId', 'verifiedSize', 'root',
]; // prettier-ignore
const KEY_CODES = new Map(BODY_KEYS.map((k, i) => [k, i]));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** Decimal places tried for a number that is not an integer (coordinates have up to 4-6). */
const MAX_DECIMALS = 9;

/**
 * The stored bytes of `body`. A top-level value whose canonical JSON is in `terms` is stored as that term's number
 * (audit/audit.terms.ts decides which values are terms and numbers them).
 */
export function encodeBody(body: JsonObject, terms: TermNumbers = new Map()): Buffer {
  const text = canonicalJson(body);
  try {
    const w = new BodyWriter();
    w.byte(PACKED);
    writeTopLevel(w, body, terms);
    const packed = w.done();
    const byNo = new Map([...terms].map(([value, no]) => [no, value]));
    const termValue: TermValue = (no) => JSON.parse(byNo.get(no) ?? 'null') as JsonValue;
    if (canonicalJson(decodeBody(packed, termValue)) === text) return packed;
  } catch {
    // Defence in depth: every value canonical JSON accepts packs exactly today; should one ever not, the text is
    // stored instead of a body that would rebuild another text.
  }
  const w = new BodyWriter();
  w.byte(TEXT);
  w.raw(Buffer.from(text, 'utf8'));
  return w.done();
}

/** What `bytes` hold. Throws on bytes that no release wrote. */
export function decodeStored(bytes: Uint8Array, term: TermValue = noTerms): StoredBody {
  if (bytes[0] !== VERBATIM_EVENT) return { body: decodeBody(bytes, term) };
  return {
    eventText: Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.byteLength - 1).toString('utf8'),
  };
}

/** The body stored as `bytes` by encodeBody(). Throws on bytes encodeBody() could not have written. */
export function decodeBody(bytes: Uint8Array, term: TermValue = noTerms): JsonObject {
  const r = new BodyReader(bytes);
  const format = r.byte();
  let value: JsonValue;
  if (format === TEXT) value = JSON.parse(r.rest().toString('utf8')) as JsonValue;
  else if (format === PACKED) {
    value = readValue(r, term, 'body');
    r.end();
  } else throw new RangeError(`unknown audit body format ${format}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new RangeError('an audit body is not an object');
  return value as JsonObject;
}

/** The body object: like writeValue, but a value that is a term is written as its number. */
function writeTopLevel(w: BodyWriter, body: JsonObject, terms: TermNumbers): void {
  const entries = Object.entries(body);
  w.byte(Tag.Object);
  w.varint(entries.length);
  for (const [key, value] of entries) {
    writeKey(w, key);
    const no = terms.size > 0 && value !== null ? terms.get(canonicalJson(value)) : undefined;
    if (no === undefined) writeValue(w, value);
    else {
      w.byte(Tag.Term);
      w.varint(no);
    }
  }
}

function writeKey(w: BodyWriter, key: string): void {
  const code = KEY_CODES.get(key);
  if (code === undefined) {
    const bytes = Buffer.from(key, 'utf8');
    w.varint(BODY_KEYS.length + bytes.length);
    w.raw(bytes);
  } else w.varint(code);
}

/** The stored bytes of a term's value (audit_terms.value): the same packing, no format byte, no nested terms. */
export function encodeTerm(value: JsonValue): Buffer {
  const w = new BodyWriter();
  writeValue(w, value);
  return w.done();
}

/** The value of a stored term. Throws on bytes encodeTerm() could not have written. */
export function decodeTerm(bytes: Uint8Array): JsonValue {
  const r = new BodyReader(bytes);
  const value = readValue(r, noTerms, 'nested');
  r.end();
  return value;
}

/** The term numbers a stored body names (none for bodies written before migration 0025). */
export function termRefs(bytes: Uint8Array): number[] {
  const refs: number[] = [];
  if (bytes[0] !== PACKED) return refs;
  // Only the body's own values may be terms: the rest is skipped, not decoded (readers call this for every row of
  // a page before opening it, so it must cost much less than the opening).
  const r = new BodyReader(bytes);
  r.byte();
  if (r.byte() !== (Tag.Object as number)) throw new RangeError('an audit body is not an object');
  for (let n = r.count(); n > 0; n--) {
    skipKey(r);
    if (r.peek() === (Tag.Term as number)) {
      r.byte();
      refs.push(r.varint());
    } else skipValue(r);
  }
  r.end();
  return refs;
}

function skipKey(r: BodyReader): void {
  const code = r.varint();
  if (code >= BODY_KEYS.length) r.bytes(code - BODY_KEYS.length);
}

/** Moves past one value (no nested terms: those are refused when the body is opened). */
function skipValue(r: BodyReader): void {
  const tag = r.byte() as Tag;
  switch (tag) {
    case Tag.Null:
    case Tag.False:
    case Tag.True:
      return;
    case Tag.Uint:
    case Tag.NegInt:
    case Tag.Term:
      r.varint();
      return;
    case Tag.Decimal:
      r.varint();
      r.varint();
      return;
    case Tag.Float:
      r.bytes(8);
      return;
    case Tag.String:
      r.bytes(r.varint());
      return;
    case Tag.Uuid:
      r.bytes(16);
      return;
    case Tag.Sha256Hex:
      r.bytes(32);
      return;
    case Tag.Ipv4:
      r.bytes(4);
      return;
    case Tag.Array:
      for (let n = r.count(); n > 0; n--) skipValue(r);
      return;
    case Tag.Object:
      for (let n = r.count(); n > 0; n--) {
        skipKey(r);
        skipValue(r);
      }
      return;
    default:
      throw new RangeError(`unknown audit body tag ${String(tag)}`);
  }
}

function writeValue(w: BodyWriter, v: JsonValue): void {
  if (v === null) return w.byte(Tag.Null);
  if (typeof v === 'boolean') return w.byte(v ? Tag.True : Tag.False);
  if (typeof v === 'number') return writeNumber(w, v);
  if (typeof v === 'string') return writeString(w, v);
  if (Array.isArray(v)) {
    w.byte(Tag.Array);
    w.varint(v.length);
    for (const item of v as readonly JsonValue[]) writeValue(w, item);
    return;
  }
  const entries = Object.entries(v as JsonObject);
  w.byte(Tag.Object);
  w.varint(entries.length);
  for (const [key, value] of entries) {
    writeKey(w, key);
    writeValue(w, value);
  }
}

function writeNumber(w: BodyWriter, v: number): void {
  if (Number.isSafeInteger(v)) {
    w.byte(v >= 0 ? Tag.Uint : Tag.NegInt);
    return w.varint(v >= 0 ? v : -v - 1);
  }
  for (let k = 1; k <= MAX_DECIMALS; k++) {
    const m = Math.round(v * 10 ** k);
    if (Math.abs(m) < 2 ** 51 && Number.isInteger(m) && m / 10 ** k === v) {
      w.byte(Tag.Decimal);
      w.varint(k);
      return w.varint(m >= 0 ? m * 2 : -m * 2 - 1);
    }
  }
  w.byte(Tag.Float);
  w.float(v);
}

function writeString(w: BodyWriter, v: string): void {
  if (UUID.test(v)) {
    w.byte(Tag.Uuid);
    return w.raw(Buffer.from(v.replaceAll('-', ''), 'hex'));
  }
  if (SHA256_HEX.test(v)) {
    w.byte(Tag.Sha256Hex);
    return w.raw(Buffer.from(v, 'hex'));
  }
  if (IPV4.test(v)) {
    w.byte(Tag.Ipv4);
    return w.raw(Buffer.from(v.split('.').map(Number)));
  }
  const bytes = Buffer.from(v, 'utf8');
  w.byte(Tag.String);
  w.varint(bytes.length);
  w.raw(bytes);
}

/**
 * Where a value stands: the body object itself, one of its own values (the only place a term may stand), or deeper.
 */
type Level = 'body' | 'top' | 'nested';

function readValue(r: BodyReader, term: TermValue, level: Level): JsonValue {
  const tag = r.byte() as Tag;
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.Uint:
      return r.varint();
    case Tag.NegInt:
      return -r.varint() - 1;
    case Tag.Float:
      return r.float();
    case Tag.Decimal: {
      const k = r.varint();
      const z = r.varint();
      return (z % 2 === 0 ? z / 2 : -(z + 1) / 2) / 10 ** k;
    }
    case Tag.String:
      return r.bytes(r.varint()).toString('utf8');
    case Tag.Uuid: {
      const h = r.bytes(16).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case Tag.Sha256Hex:
      return r.bytes(32).toString('hex');
    case Tag.Ipv4:
      return [...r.bytes(4)].join('.');
    case Tag.Array:
      return Array.from({ length: r.count() }, () => readValue(r, term, 'nested'));
    case Tag.Term:
      if (level !== 'top') throw new RangeError('an audit term stands where none may');
      return term(r.varint());
    case Tag.Object: {
      const inner: Level = level === 'body' ? 'top' : 'nested';
      const out: Record<string, JsonValue> = {};
      for (let n = r.count(); n > 0; n--) {
        const code = r.varint();
        const key =
          code < BODY_KEYS.length
            ? (BODY_KEYS[code] as string)
            : r.bytes(code - BODY_KEYS.length).toString('utf8');
        if (Object.hasOwn(out, key)) throw new RangeError(`audit body repeats key ${key}`);
        // defineProperty: a key such as "__proto__" must become a property, not a prototype.
        Object.defineProperty(out, key, {
          value: readValue(r, term, inner),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new RangeError(`unknown audit body tag ${String(tag)}`);
  }
}

/**
 * Whether stored bytes may hold the string `value` somewhere: a quick test before decoding (false means certainly
 * not; true still needs the decoded body checked). For scanning many bodies for one id — never one that may be stored
 * as a term (audit/audit.terms.ts TERM_KEYS): the body holds only the term's number.
 */
export function mayContain(stored: Uint8Array, value: string): boolean {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes.includes(value, 0, 'utf8')) return true;
  if (UUID.test(value)) return bytes.includes(Buffer.from(value.replaceAll('-', ''), 'hex'));
  if (SHA256_HEX.test(value)) return bytes.includes(Buffer.from(value, 'hex'));
  if (IPV4.test(value)) return bytes.includes(Buffer.from(value.split('.').map(Number)));
  return false;
}
