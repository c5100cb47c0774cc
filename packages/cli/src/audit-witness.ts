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
import type { SeenCheckpoint, WitnessedCheckpoints } from '@shoebox/shared/audit-export/index';
import type { ApiClient } from './api-client.ts';
import { alarm } from './audit-alarm.ts';
import { regrownMessage, rolledBackMessage, rolledBackTo } from './audit-rollback.ts';
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
  const vkey = sameServer?.verifierKey ?? reply.verifierKey;
  const before = sameServer?.latest.note ?? null;
  if (sameServer && reply.verifierKey !== sameServer.verifierKey)
    return alarm(
      client,
      'key-changed',
      `the server now signs its log with another key (${reply.verifierKey}).`,
      before,
      reply.note,
    );
  const opened = openCheckpoint(reply.note, vkey);
  if (!opened.ok)
    return alarm(
      client,
      'bad-signature',
      `the server's checkpoint does not verify: ${opened.reason}.`,
      before,
      reply.note,
    );
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
      return alarm(
        client,
        'two-roots',
        `the server showed two different logs of ${cp.size} entries (roots ${earlier.root} and ${seen.root}).`,
        earlier.note,
        reply.note,
      );
    if (cp.size < last.size)
      return alarm(client, 'rolled-back', rolledBackMessage(last.size, cp.size), last.note, reply.note);
    if (cp.size > last.size) {
      const proof = await client
        .request<{ proof: string[] }>('GET', '/audit/proofs/consistency', {
          query: { from: last.size, to: cp.size },
        })
        .catch((err: unknown) => {
          if (!(err instanceof CliError) || err.code !== 'audit_log_damaged') throw err;
          const said = err.message.replace(/^AUDIT ALARM: /, '');
          return alarm(client, 'log-damaged', said, last.note, reply.note);
        });
      const ok = verifyConsistency(
        last.size,
        cp.size,
        proof.proof.map(fromBase64),
        fromBase64(last.root),
        cp.rootHash,
      );
      // Restored from a backup and used since: the log extends an older checkpoint this device saw, not the last.
      const branch = ok.ok ? undefined : await rolledBackTo(client, state.seen, last.size, cp);
      if (branch)
        return alarm(
          client,
          'rolled-back',
          regrownMessage(last.size, branch.size, cp.size),
          last.note,
          reply.note,
        );
      if (!ok.ok)
        return alarm(
          client,
          'inconsistent',
          `the log of ${cp.size} entries does not extend the one of ${last.size} this device verified (${ok.reason}): history was rewritten.`,
          last.note,
          reply.note,
        );
    } else if (last.root !== seen.root) {
      return alarm(
        client,
        'two-roots',
        `the server showed two different logs of ${cp.size} entries.`,
        last.note,
        reply.note,
      );
    }
  }
  if (!state.seen.some((s) => s.size === seen.size)) state.seen = [...state.seen, seen].slice(-MAX_SEEN);
  state.latest = seen.size >= state.latest.size ? seen : state.latest;
  saveWitness(home, state);
  return { checkpoint: cp, reply, previousSize: last?.size ?? 0, state };
}
