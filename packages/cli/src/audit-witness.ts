// This device as a witness of the server's audit log: it keeps the last checkpoint it verified and
// accepts a new one only with a valid consistency proof. A server that rewrote history, went back
// to an older log or shows two different trees of one size cannot pass, whatever it says.
import fs from 'node:fs';
import path from 'node:path';
import {
  fromBase64,
  openCheckpoint,
  toBase64,
  verifyConsistency,
  type Checkpoint,
} from '@shoebox/shared/merkle/index';
import type { ApiClient } from './api-client.ts';
import { CliError } from './output.ts';

/** What /api/audit/checkpoint answers. */
export interface CheckpointReply {
  origin: string;
  verifierKey: string;
  size: number;
  root: string;
  note: string;
  signedAt: string;
}

export interface SeenCheckpoint {
  size: number;
  root: string;
  note: string;
  seenAt: string;
}

/** Kept in the device's home, beside device.json. */
export interface WitnessState {
  server: string;
  /** Pinned on first use: a different key later is an alarm, not an update. */
  verifierKey: string;
  latest: SeenCheckpoint;
  /** Every distinct checkpoint verified, oldest first (they travel in exports). */
  seen: SeenCheckpoint[];
}

/** Exit code of an audit alarm, distinct from ordinary failures so scripts and services can page someone. */
export const ALARM_EXIT = 3;
const MAX_SEEN = 1000;

export class AuditAlarm extends CliError {
  constructor(message: string) {
    super(`AUDIT ALARM: ${message}`, ALARM_EXIT, 'audit_alarm');
  }
}

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
  const vkey = sameServer?.verifierKey ?? reply.verifierKey;
  if (sameServer && reply.verifierKey !== sameServer.verifierKey)
    throw new AuditAlarm(`the server now signs its log with another key (${reply.verifierKey}).`);
  const opened = openCheckpoint(reply.note, vkey);
  if (!opened.ok) throw new AuditAlarm(`the server's checkpoint does not verify: ${opened.reason}.`);
  const cp = opened.checkpoint;
  const seen: SeenCheckpoint = {
    size: cp.size,
    root: toBase64(cp.rootHash),
    note: reply.note,
    seenAt: new Date().toISOString(),
  };
  const state: WitnessState = sameServer ?? {
    server: client.server,
    verifierKey: vkey,
    latest: seen,
    seen: [],
  };
  const last = sameServer?.latest;
  if (last) {
    const earlier = state.seen.find((s) => s.size === cp.size);
    if (earlier && earlier.root !== seen.root)
      throw new AuditAlarm(
        `the server showed two different logs of ${cp.size} entries (roots ${earlier.root} and ${seen.root}).`,
      );
    if (cp.size < last.size)
      throw new AuditAlarm(`the log went backwards: ${cp.size} entries now, ${last.size} verified before.`);
    if (cp.size > last.size) {
      const proof = await client.request<{ proof: string[] }>('GET', '/audit/proofs/consistency', {
        query: { from: last.size, to: cp.size },
      });
      const ok = verifyConsistency(
        last.size,
        cp.size,
        proof.proof.map(fromBase64),
        fromBase64(last.root),
        cp.rootHash,
      );
      if (!ok.ok)
        throw new AuditAlarm(
          `the log of ${cp.size} entries does not extend the one of ${last.size} this device verified (${ok.reason}): history was rewritten.`,
        );
    } else if (last.root !== seen.root) {
      throw new AuditAlarm(`the server showed two different logs of ${cp.size} entries.`);
    }
  }
  if (!state.seen.some((s) => s.size === seen.size)) state.seen = [...state.seen, seen].slice(-MAX_SEEN);
  state.latest = seen.size >= state.latest.size ? seen : state.latest;
  saveWitness(home, state);
  return { checkpoint: cp, reply, previousSize: last?.size ?? 0, state };
}
