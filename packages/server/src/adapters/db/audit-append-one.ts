// PostgreSQL: an append in one round trip for an owner whose number and key the appender already knows (every
// account's steady state). The claim (sequence and per-seq claim lock, as audit_claim()), the key row's share lock,
// the leaf and both writes happen in one call, so a transaction that records one action costs BEGIN, the action's
// own statements, this call and COMMIT: no more round trips than the action without its record. The leaf is
// computed in PostgreSQL with its built-in sha256(): HMAC-SHA256 from the key's inner and outer pads, which the
// appender derives from the key it knows; the call checks that key against the stored one and, when they differ or
// the key is gone (a forgotten account), claims nothing and returns null, and the appender takes the two-call path.
import { sql } from 'kysely';
import { AUDIT_SEQ_SEQUENCE } from './audit-append.ts';
import type { Queryable } from './database.ts';

export interface AuditAppendOneInput {
  /** The owner (account id, or the server's key id) and its number (audit_owners.no). */
  owner: string;
  ownerNo: number;
  /** The owner's key as the appender knows it; the call writes nothing unless it is the stored one. */
  key: Buffer;
  at: number;
  /** The kind's stored code and the stored (packed) body. */
  kind: number;
  body: Buffer;
  /** The committed text around its seq, UTF-8: textBefore ‖ decimal seq ‖ textAfter. */
  textBefore: Buffer;
  textAfter: Buffer;
}

/** Appends one event and its leaf; its seq, or null (nothing claimed) when `key` is not the owner's stored key. */
export type AuditAppendOne = (trx: Queryable, input: AuditAppendOneInput) => Promise<number | null>;

/** HMAC's block size for SHA-256; keys are 32 bytes, so they are padded, never hashed first. */
const BLOCK = 64;

/** The key XORed into HMAC's inner (0x36) or outer (0x5c) pad. */
export function hmacPad(key: Buffer, byte: number): Buffer {
  if (key.length > BLOCK)
    throw new RangeError('audit keys longer than 64 bytes are hashed first; not supported');
  const pad = Buffer.alloc(BLOCK, byte);
  for (let i = 0; i < key.length; i++) pad[i] = (key[i] ?? 0) ^ byte;
  return pad;
}

export const postgresAuditAppendOne: AuditAppendOne = async (trx, r) => {
  const { rows } = await sql<{ seq: string | number | null }>`select audit_append_one(${r.owner}::text,
      ${r.ownerNo}::integer, ${r.key}::bytea, ${hmacPad(r.key, 0x36)}::bytea, ${hmacPad(r.key, 0x5c)}::bytea,
      ${r.at}::bigint, ${r.kind}::smallint, ${r.body}::bytea, ${r.textBefore}::bytea, ${r.textAfter}::bytea) as seq`.execute(
    trx,
  );
  const seq = rows[0]?.seq;
  return seq === null || seq === undefined ? null : Number(seq);
};

/**
 * Migration 0027's function. The leaf is audit/audit.leaf.ts makeLeaf with the derived salt: tag = the first 16
 * bytes of HMAC(key, u64be(seq)), salt = the first 16 of HMAC(key, "salt" ‖ u64be(seq)), commitment =
 * SHA-256(salt ‖ text); a test compares the two for every kind of body.
 */
export const appendOneFunction = `
create or replace function audit_append_one(p_owner text, p_owner_no integer, p_key bytea, p_ipad bytea,
  p_opad bytea, p_at bigint, p_kind smallint, p_body bytea, p_before bytea, p_after bytea)
returns bigint
language plpgsql volatile as $$
declare
  v_seq bigint;
  v_seqb bytea;
  v_salt bytea;
begin
  perform 1 from audit_keys k join audit_owners o on o.account_id = k.account_id
    where k.account_id = p_owner and k.key = p_key and o.no = p_owner_no for share of k;
  if not found then
    return null;
  end if;
  v_seq := nextval('${AUDIT_SEQ_SEQUENCE}');
  perform pg_advisory_xact_lock(audit_seq_lock_key(v_seq));
  v_seqb := int8send(v_seq);
  v_salt := substring(sha256(p_opad || sha256(p_ipad || convert_to('salt', 'UTF8') || v_seqb)) from 1 for 16);
  insert into audit_events (seq, owner, kind, body, salt, created_at)
    values (v_seq, p_owner_no, p_kind, p_body, null, p_at);
  insert into audit_leaves (seq, leaf)
    values (v_seq, substring(sha256(p_opad || sha256(p_ipad || v_seqb)) from 1 for 16)
      || sha256(v_salt || p_before || convert_to(v_seq::text, 'UTF8') || p_after));
  return v_seq;
end
$$;`;
