// PostgreSQL: an append in one round trip for an owner whose number and key the appender already knows (every
// account's steady state). The claim (sequence and per-seq claim lock, as audit_claim()), the key row's share lock,
// the leaf and both writes happen in one call, so a transaction that records one action costs BEGIN, the action's
// own statements, this call and COMMIT: no more round trips than the action without its record. The leaf is
// computed in PostgreSQL from the stored key, with the built-in sha256() (HMAC-SHA256 from the key's pads): the key
// never leaves the database, where a bind parameter could land in a statement log that outlives a forget. The
// appender names the key by a digest; when that is not the stored key's, or the key is gone (a forgotten account),
// the call claims nothing and returns null, and the appender takes the two-call path.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { AUDIT_SEQ_SEQUENCE } from './audit-append.ts';
import type { Queryable } from './database.ts';

export interface AuditAppendOneInput {
  /** The owner (account id, or the server's key id) and its number (audit_owners.no). */
  owner: string;
  ownerNo: number;
  /** The first 16 bytes of SHA-256 of the key the appender knows; the call writes nothing unless it is the stored key's. */
  keyDigest: Buffer;
  at: number;
  /** The kind's stored code and the stored (packed) body. */
  kind: number;
  body: Buffer;
  /** The committed text around its seq, UTF-8: textBefore ‖ decimal seq ‖ textAfter. */
  textBefore: Buffer;
  textAfter: Buffer;
}

/** Appends one event and its leaf; its seq, or null (nothing claimed) when the digest is not the stored key's. */
export type AuditAppendOne = (trx: Queryable, input: AuditAppendOneInput) => Promise<number | null>;

/** What the appender passes to name a key: the first 16 bytes of its SHA-256. */
export const keyDigest = (key: Uint8Array): Buffer =>
  createHash('sha256').update(key).digest().subarray(0, 16);

export const postgresAuditAppendOne: AuditAppendOne = async (trx, r) => {
  const { rows } = await sql<{ seq: string | number | null }>`select audit_append_one(${r.owner}::text,
      ${r.ownerNo}::integer, ${r.keyDigest}::bytea, ${r.at}::bigint, ${r.kind}::smallint, ${r.body}::bytea,
      ${r.textBefore}::bytea, ${r.textAfter}::bytea) as seq`.execute(trx);
  const seq = rows[0]?.seq;
  return seq === null || seq === undefined ? null : Number(seq);
};

/** PL/pgSQL that sets `v_pad` to HMAC's pad of the 32-byte key whose bits are in `v_bits`, for pad byte `hex`. */
const padOf = (hex: string) => `v_x := v_bits # x'${hex.repeat(32)}';
  v_pad := int8send(substring(v_x from 1 for 64)::bit(64)::bigint) || int8send(substring(v_x from 65 for 64)::bit(64)::bigint)
    || int8send(substring(v_x from 129 for 64)::bit(64)::bigint) || int8send(substring(v_x from 193 for 64)::bit(64)::bigint)
    || decode('${hex.repeat(32)}', 'hex');`;

/**
 * Migration 0027's function. The leaf is audit/audit.leaf.ts makeLeaf with the derived salt: tag = the first 16
 * bytes of HMAC(key, u64be(seq)), salt = the first 16 of HMAC(key, "salt" ‖ u64be(seq)), commitment =
 * SHA-256(salt ‖ text); a test compares the two for every kind of body. HMAC's pads (the key XOR 0x36 or 0x5c,
 * zero-padded to 64 bytes) are made with bit-string XOR, four 64-bit words at a time: keys are 32 bytes (others
 * take the two-call path).
 */
export const appendOneFunction = `
create or replace function audit_append_one(p_owner text, p_owner_no integer, p_key_digest bytea, p_at bigint,
  p_kind smallint, p_body bytea, p_before bytea, p_after bytea)
returns bigint
language plpgsql volatile as $$
declare
  v_key bytea;
  v_bits bit(256);
  v_x bit(256);
  v_pad bytea;
  v_ipad bytea;
  v_opad bytea;
  v_seq bigint;
  v_seqb bytea;
  v_salt bytea;
begin
  select k.key into v_key from audit_keys k join audit_owners o on o.account_id = k.account_id
    where k.account_id = p_owner and o.no = p_owner_no for share of k;
  if v_key is null or length(v_key) <> 32 or substring(sha256(v_key) from 1 for 16) <> p_key_digest then
    return null;
  end if;
  v_bits := ('x' || encode(v_key, 'hex'))::bit(256);
  ${padOf('36')}
  v_ipad := v_pad;
  ${padOf('5c')}
  v_opad := v_pad;
  v_seq := nextval('${AUDIT_SEQ_SEQUENCE}');
  perform pg_advisory_xact_lock(audit_seq_lock_key(v_seq));
  v_seqb := int8send(v_seq);
  v_salt := substring(sha256(v_opad || sha256(v_ipad || convert_to('salt', 'UTF8') || v_seqb)) from 1 for 16);
  insert into audit_events (seq, owner, kind, body, salt, created_at)
    values (v_seq, p_owner_no, p_kind, p_body, null, p_at);
  insert into audit_leaves (seq, leaf)
    values (v_seq, substring(sha256(v_opad || sha256(v_ipad || v_seqb)) from 1 for 16)
      || sha256(v_salt || p_before || convert_to(v_seq::text, 'UTF8') || p_after));
  return v_seq;
end
$$;`;
