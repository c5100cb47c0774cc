// Appends in one round trip on PostgreSQL (adapters/db/audit-append-one.ts) for owners whose number and key this
// process learnt from an earlier claim. Only a digest of the key is kept (a forget destroys the key; no copy of it may
// live on in a process). Keys never change while an account lives, so what a claim returned stays right; when the
// account was forgotten meanwhile, the call claims nothing and the appender takes the two-call path, which refuses
// the closed log.
import type { AuditAppendOne } from '../adapters/db/audit-append-one.ts';
import type { Tx } from '../adapters/db/database.ts';
import type { AuditInput } from './audit.kinds.ts';
import { encodeBody } from './audit.codec.ts';
import { kindCode } from './audit.kind-codes.ts';
import { eventText } from './audit.leaf.ts';
import type { TermDictionary } from './audit.terms.ts';

/** Owners remembered; past this many the memory starts over (a miss costs the two-call path once). */
const KNOWN_LIMIT = 10_000;
/** How every committed text ends at seq 0 (canonical key order: at, body, kind, seq, v). */
const SEQ_ZERO_TAIL = '"seq":0,"v":1}';
const AFTER_SEQ = ',"v":1}';

/** The committed text of `input` split around its seq: before ‖ decimal seq ‖ after. */
export function textAroundSeq(at: number, input: AuditInput): { before: Buffer; after: Buffer } {
  const text = eventText(0, at, input);
  if (!text.endsWith(SEQ_ZERO_TAIL)) throw new Error('audit event text does not end with its seq');
  return {
    before: Buffer.from(text.slice(0, text.length - AFTER_SEQ.length - 1), 'utf8'),
    after: Buffer.from(AFTER_SEQ, 'utf8'),
  };
}

interface KnownOwner {
  no: number;
  /** The key's digest as audit_append_one() checks it (adapters/db/audit-append-one.ts keyDigest). */
  keyDigest: Buffer;
  /** The term dictionary's name for the key. */
  keyId: string;
}

export interface OneTripAppends {
  /** Remembers what a claim returned for `owner`. */
  remember(owner: string, known: KnownOwner): void;
  /** Forgets `owner` (its account is being forgotten). */
  forget(owner: string): void;
  /** Appends `input` in one call; its seq, or null when the owner is not known (right) and nothing was claimed. */
  append(trx: Tx, input: AuditInput, at: number, owner: string): Promise<number | null>;
}

export function createOneTripAppends(
  appendOne: AuditAppendOne | undefined,
  dictionary: TermDictionary,
  /** Turns a failed write into the error the action fails with. */
  failed: (err: unknown) => unknown,
): OneTripAppends {
  const known = new Map<string, KnownOwner>();
  return {
    remember(owner, k) {
      if (!appendOne) return;
      if (known.size >= KNOWN_LIMIT) known.clear();
      known.set(owner, k);
    },
    forget(owner) {
      known.delete(owner);
    },
    async append(trx, input, at, owner) {
      const k = known.get(owner);
      if (!appendOne || !k) return null;
      // Only terms already committed under this key: a new term written before the call would stay behind, naming
      // no event, when the call then finds the key wrong (verification reads that as tampering).
      const terms = dictionary.cachedNumbers(k.no, k.keyId, input.body);
      if (!terms) return null;
      const { before, after } = textAroundSeq(at, input);
      let seq: number | null;
      try {
        seq = await appendOne(trx, {
          owner,
          ownerNo: k.no,
          keyDigest: k.keyDigest,
          at,
          kind: kindCode(input.kind),
          body: encodeBody(input.body, terms),
          textBefore: before,
          textAfter: after,
        });
      } catch (err) {
        throw failed(err);
      }
      if (seq === null) known.delete(owner);
      return seq;
    },
  };
}
