// The server's latest checkpoint, accepted only if it extends the ones this browser verified before: signature with
// the key pinned on first use, never shorter, one root per size, and a consistency proof from the newest kept one.
import type { Checkpoint } from '@shoebox/shared/merkle/index';
import {
  classifyCheckpoint,
  type KeptCheckpoint,
  type KeptCheckpoints,
  type WitnessFinding,
} from '@shoebox/shared/audit-export/witness';
import type { SeenCheckpoint } from '@shoebox/shared/audit-export/format';
import { api, call, type Schemas } from '../api/client.tsx';
import { keepCheckpoint, witnessedCheckpoints } from './audit-witness-store.ts';

export type AlarmCode =
  | 'keyChanged'
  | 'badSignature'
  | 'wentBackwards'
  | 'wentBackAndRegrew'
  | 'forked'
  | 'inconsistent'
  | 'entries';

export type CheckpointCheck =
  | { ok: true; checkpoint: Checkpoint; root: string; verifierKey: string; previous: KeptCheckpoint | null }
  /** `against`: the kept checkpoint the served one contradicts (its note goes with the alarm report). */
  | { ok: false; code: AlarmCode; detail: string; against?: KeptCheckpoint | null };

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

/** The shared verdict (the CLI's words: rolled-back, two-roots, …) as this app's alarm code and a terse detail. */
function describe(finding: WitnessFinding): { code: Exclude<AlarmCode, 'entries'>; detail: string } {
  switch (finding.problem) {
    case 'key-changed':
      return { code: 'keyChanged', detail: finding.servedKey };
    case 'bad-signature':
      return { code: 'badSignature', detail: finding.reason };
    case 'two-roots':
      return { code: 'forked', detail: `${finding.size}: ${finding.keptRoot} ≠ ${finding.root}` };
    case 'rolled-back':
      return finding.branchedAfter === undefined
        ? { code: 'wentBackwards', detail: `${finding.to} < ${finding.from}` }
        : {
            code: 'wentBackAndRegrew',
            detail: `${finding.from} → (${finding.branchedAfter}, ${finding.from}) → ${finding.to}`,
          };
    case 'inconsistent':
      return { code: 'inconsistent', detail: `${finding.from} → ${finding.to}: ${finding.reason}` };
  }
}

/**
 * Judges the server's checkpoint against every checkpoint this browser kept, exactly as the CLI does: older than the
 * newest kept is a rollback, another root for a size kept is a fork, larger needs a consistency proof from the
 * newest kept (or it may be a rollback grown along another branch, or a rewritten history).
 */
export async function checkCheckpoint(
  reply: Schemas['AuditCheckpoint'],
  kept: KeptCheckpoints | null,
): Promise<CheckpointCheck> {
  const fetchProof = async (from: number, to: number) =>
    (await call(api.GET('/audit/proofs/consistency', { params: { query: { from, to } } }))).proof;
  const verdict = await classifyCheckpoint(reply.note, reply.verifierKey, kept, fetchProof);
  if (!verdict.ok) return { ok: false, ...describe(verdict), against: verdict.against };
  return {
    ok: true,
    checkpoint: verdict.checkpoint,
    root: verdict.root,
    verifierKey: verdict.verifierKey,
    previous: verdict.previous,
  };
}

/**
 * Keeps a checkpoint this browser has just verified and, the first time, tells the server, which keeps what each
 * device verified for the account's exports (a signed note: it cannot forge one). A refused report is no alarm.
 */
export async function keepAndReport(verifierKey: string, seen: SeenCheckpoint): Promise<void> {
  const isNew = !witnessedCheckpoints().some((s) => s.size === seen.size && s.root === seen.root);
  keepCheckpoint(verifierKey, seen);
  if (isNew) await call(api.POST('/audit/witnessed', { body: { note: seen.note } })).catch(() => undefined);
}
