// Wire shapes of the audit API. Binary values are standard padded base64.
import { z } from '@hono/zod-openapi';

const b64 = (what: string) => z.string().meta({ description: `${what}, base64` });
const seq = z.number().int().min(0);

export const AuditCheckpoint = z
  .object({
    origin: z.string(),
    verifierKey: z.string().meta({ description: 'Ed25519 note verifier key (name+id+key) to pin' }),
    size: seq,
    root: b64('RFC 6962 tree head'),
    note: z.string().meta({ description: 'C2SP signed checkpoint note' }),
    signedAt: z.string(),
  })
  .meta({ id: 'AuditCheckpoint' });

export const AuditInclusionProof = z
  .object({ seq, size: seq, leaf: b64('the 64-byte leaf'), proof: z.array(b64('hash')) })
  .meta({ id: 'AuditInclusionProof' });

export const AuditConsistencyProof = z
  .object({ from: seq, to: seq, proof: z.array(b64('hash')) })
  .meta({ id: 'AuditConsistencyProof' });

export const AuditEvent = z
  .object({
    seq,
    kind: z.string(),
    createdAt: z.string(),
    event: z.string().meta({ description: 'The committed RFC 8785 text {v, seq, kind, at, body}' }),
    body: z.record(z.string(), z.unknown()),
    salt: b64('16-byte salt'),
    tag: b64(
      'HMAC-SHA256(account key, u64be(seq)): its first 16 bytes in entries written since migration 0025, all 32 before',
    ),
    commitment: b64('SHA-256(salt ‖ event)'),
    leaf: b64('tag ‖ commitment'),
  })
  .meta({ id: 'AuditEvent' });

export const AuditEventsPage = z
  .object({ items: z.array(AuditEvent), cursor: z.string().nullable(), hasMore: z.boolean() })
  .meta({ id: 'AuditEventsPage' });

export const AuditKey = z
  .object({
    accountId: z.string(),
    key: b64('32-byte account audit key'),
    algorithm: z.literal('HMAC-SHA256(key, u64be(seq))'),
  })
  .meta({ id: 'AuditKey' });

export const AuditLeavesPage = z
  .object({ from: seq, to: seq, size: seq, leaves: z.array(b64('64-byte leaf')) })
  .meta({ id: 'AuditLeavesPage' });

export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;
export type AuditInclusionProof = z.infer<typeof AuditInclusionProof>;
export type AuditConsistencyProof = z.infer<typeof AuditConsistencyProof>;
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditEventsPage = z.infer<typeof AuditEventsPage>;
export type AuditKey = z.infer<typeof AuditKey>;
export type AuditLeavesPage = z.infer<typeof AuditLeavesPage>;
