// This device as a witness of the server's audit log: it keeps the last checkpoint it verified and
// accepts a new one only with a valid consistency proof. A server that rewrote history, went back
// to an older log or shows two different trees of one size cannot pass, whatever it says.
import fs from 'node:fs';
import path from 'node:path';
import type { Checkpoint } from '@shoebox/shared/merkle/index';
import {
  classifyCheckpoint,
  type KeptCheckpoints,
  type SeenCheckpoint,
  type WitnessFinding,
  type WitnessedCheckpoints,
} from '@shoebox/shared/audit-export/index';
import type { ApiClient } from './api-client.ts';
import { alarm } from './audit-alarm.ts';
import { regrownMessage, rolledBackMessage } from './audit-rollback.ts';
import { CliError } from './output.ts';

export { ALARM_EXIT, AuditAlarm } from './audit-alarm.ts';

/** What /api/audit/checkpoint answers. */
export interface CheckpointReply {
  origin: string;
  verifierKey: string;
  size: number;
  root: string;
  note: string;
  signedAt: string;
}

export type { SeenCheckpoint };

/**
 * Kept in the device's home, beside device.json. `verifierKey` is pinned on first use (a different key later is an
 * alarm, not an update); `seen` holds every distinct checkpoint verified, oldest first (they travel in exports).
 */
export interface WitnessState extends WitnessedCheckpoints {
  server: string;
}

const MAX_SEEN = 1000;

export function witnessFile(home: string): string {
  return path.join(home, 'audit-witness.json');
}

export function loadWitness(home: string): WitnessState | undefined {
  try {
    return JSON.parse(fs.readFileSync(witnessFile(home), 'utf8')) as WitnessState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`${witnessFile(home)} is damaged; it holds the checkpoints this device witnessed.`);
  }
}

function saveWitness(home: string, state: WitnessState): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = witnessFile(home);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export interface WitnessResult {
  checkpoint: Checkpoint;
  reply: CheckpointReply;
  /** The size this device had verified before (0 the first time). */
  previousSize: number;
  state: WitnessState;
}

/**
 * Fetches the server's checkpoint and accepts it only if it extends the last one this device verified.
 * Throws AuditAlarm (exit 3) on a bad signature, a changed key, a checkpoint going backwards, two roots for one
 * size, or a failed consistency proof. The sync agent calls this on every round: `await witnessCheckpoint(client,
 * home)`; an AuditAlarm must stop the round loudly.
 */
export async function witnessCheckpoint(client: ApiClient, home: string): Promise<WitnessResult> {
  const reply = await client.request<CheckpointReply>('GET', '/audit/checkpoint');
  const previous = loadWitness(home);
  const sameServer = previous?.server === client.server ? previous : undefined;
  const kept: KeptCheckpoints | null = sameServer
    ? { verifierKey: sameServer.verifierKey, checkpoints: [...sameServer.seen, sameServer.latest] }
    : null;
  const fetchProof = async (from: number, to: number) =>
    (
      await client.request<{ proof: string[] }>('GET', '/audit/proofs/consistency', {
        query: { from, to },
      })
    ).proof;
  let verdict;
  try {
    verdict = await classifyCheckpoint(reply.note, reply.verifierKey, kept, fetchProof);
  } catch (err) {
    if (!(err instanceof CliError) || err.code !== 'audit_log_damaged') throw err;
    const said = err.message.replace(/^AUDIT ALARM: /, '');
    return alarm(client, 'log-damaged', said, sameServer?.latest.note ?? null, reply.note);
  }
  if (!verdict.ok) {
    const earlier = verdict.against?.note ?? null;
    return alarm(client, verdict.problem, alarmMessage(verdict), earlier, reply.note);
  }
  const cp = verdict.checkpoint;
  const seen: SeenCheckpoint = {
    size: cp.size,
    root: verdict.root,
    note: reply.note,
    seenAt: new Date().toISOString(),
  };
  const state: WitnessState = sameServer ?? {
    server: client.server,
    verifierKey: verdict.verifierKey,
    latest: seen,
    seen: [],
  };
  const isNew = !state.seen.some((s) => s.size === seen.size);
  if (isNew) state.seen = [...state.seen, seen].slice(-MAX_SEEN);
  state.latest = seen.size >= state.latest.size ? seen : state.latest;
  saveWitness(home, state);
  // The server keeps what each device verified for the account's exports; a signed note, so it cannot forge one.
  // A server that does not take it (older, or down) costs this round nothing: the next new checkpoint goes too.
  if (isNew || !sameServer)
    await client.request('POST', '/audit/witnessed', { json: { note: reply.note } }).catch(() => undefined);
  return { checkpoint: cp, reply, previousSize: verdict.previous?.size ?? 0, state };
}

/** The words of each alarm, as this device has always said them. */
function alarmMessage(finding: WitnessFinding): string {
  switch (finding.problem) {
    case 'key-changed':
      return `the server now signs its log with another key (${finding.servedKey}).`;
    case 'bad-signature':
      return `the server's checkpoint does not verify: ${finding.reason}.`;
    case 'two-roots':
      return `the server showed two different logs of ${finding.size} entries (roots ${finding.keptRoot} and ${finding.root}).`;
    case 'rolled-back':
      return finding.branchedAfter === undefined
        ? rolledBackMessage(finding.from, finding.to)
        : regrownMessage(finding.from, finding.branchedAfter, finding.to);
    case 'inconsistent':
      return `the log of ${finding.to} entries does not extend the one of ${finding.from} this device verified (${finding.reason}): history was rewritten.`;
  }
}
