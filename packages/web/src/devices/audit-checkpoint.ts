// The server's latest checkpoint, accepted only if it extends the one this browser verified before: signature with
// the key pinned on first use, never shorter, one root per size, and a consistency proof from the kept one.
import {
  fromBase64,
  openCheckpoint,
  toBase64,
  verifyConsistency,
  type Checkpoint,
} from '@shoebox/shared/merkle/index';
import { api, call, type Schemas } from '../api/client.tsx';
import type { Witness } from './audit-witness-store.ts';

export type AlarmCode =
  'keyChanged' | 'badSignature' | 'wentBackwards' | 'forked' | 'inconsistent' | 'entries';

export type CheckpointCheck =
  | { ok: true; checkpoint: Checkpoint; root: string; verifierKey: string }
  | { ok: false; code: AlarmCode; detail: string };

/** The server's checkpoint does not extend what this browser verified before (thrown where no verdict is shown). */
export class WitnessAlarm extends Error {
  constructor(
    readonly code: AlarmCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'WitnessAlarm';
  }
}

export async function checkCheckpoint(
  reply: Schemas['AuditCheckpoint'],
  kept: Witness | null,
): Promise<CheckpointCheck> {
  const alarm = (code: AlarmCode, detail: string): CheckpointCheck => ({ ok: false, code, detail });
  if (kept && kept.verifierKey !== reply.verifierKey) return alarm('keyChanged', reply.verifierKey);
  const verifierKey = kept?.verifierKey ?? reply.verifierKey;
  const opened = openCheckpoint(reply.note, verifierKey);
  if (!opened.ok) return alarm('badSignature', opened.reason);
  const cp = opened.checkpoint;
  const root = toBase64(cp.rootHash);
  if (kept && cp.size < kept.size) return alarm('wentBackwards', `${cp.size} < ${kept.size}`);
  if (kept && cp.size === kept.size && kept.root !== root) return alarm('forked', `${kept.root} ≠ ${root}`);
  if (kept && cp.size > kept.size) {
    const { proof } = await call(
      api.GET('/audit/proofs/consistency', { params: { query: { from: kept.size, to: cp.size } } }),
    );
    const ok = verifyConsistency(
      kept.size,
      cp.size,
      proof.map(fromBase64),
      fromBase64(kept.root),
      cp.rootHash,
    );
    if (!ok.ok) return alarm('inconsistent', ok.reason);
  }
  return { ok: true, checkpoint: cp, root, verifierKey };
}
