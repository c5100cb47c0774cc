// What the account's trusted devices report they verified of the log: after a witness round accepts a checkpoint,
// the device posts its signed note; the server keeps one row per device and size (migration 0022) and lists them,
// so an export carries the checkpoints every device of the account saw, each checked offline against the export's
// leaves. Only notes that verify with this log's key are taken: a row is the log's own signature, never the
// server's word, and an export that leaves some out or whose leaves disagree with one cannot pass as complete.
import { openCheckpoint, toBase64 } from '@shoebox/shared/merkle/index';
import type { Db } from '../adapters/db/database.ts';
import type { AuditWitnessedTable } from '../adapters/db/schema.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';

/** Per device: enough to cover months of rounds that saw growth, bounded whatever a device posts. */
export const MAX_WITNESSED_PER_DEVICE = 1000;

export interface WitnessedCheckpoint {
  deviceId: string;
  size: number;
  root: string;
  note: string;
  seenAt: string;
}

export interface AuditWitnessedDeps {
  db: Db;
  /** This log's verifier key: a note that does not verify with it is refused. */
  verifierKey: string;
  clock: { now(): number };
}

export function createAuditWitnessed({ db, verifierKey, clock }: AuditWitnessedDeps) {
  return {
    /** A trusted device reports a checkpoint it verified; the same size again is a no-op (the first report stands). */
    async report(actor: Principal, note: string): Promise<WitnessedCheckpoint> {
      requireTrusted(actor);
      const opened = openCheckpoint(note, verifierKey);
      if (!opened.ok)
        throw new AppError('bad_request', `The note is not a checkpoint of this log: ${opened.reason}.`);
      const { size, rootHash } = opened.checkpoint;
      const row = {
        device_id: actor.device.id,
        size,
        account_id: actor.account.id,
        root: toBase64(rootHash),
        note,
        seen_at: clock.now(),
      };
      await db
        .insertInto('audit_witnessed')
        .values(row)
        .onConflict((oc) => oc.columns(['device_id', 'size']).doNothing())
        .execute();
      // Bounded per device: the oldest go first.
      const keep = await db
        .selectFrom('audit_witnessed')
        .select('size')
        .where('device_id', '=', actor.device.id)
        .orderBy('size', 'desc')
        .offset(MAX_WITNESSED_PER_DEVICE)
        .limit(1)
        .executeTakeFirst();
      if (keep)
        await db
          .deleteFrom('audit_witnessed')
          .where('device_id', '=', actor.device.id)
          .where('size', '<=', Number(keep.size))
          .execute();
      const stored = await db
        .selectFrom('audit_witnessed')
        .selectAll()
        .where('device_id', '=', actor.device.id)
        .where('size', '=', size)
        .executeTakeFirstOrThrow();
      return toApi(stored);
    },

    /** Every checkpoint the account's devices reported, by size then device. */
    async list(actor: Principal): Promise<WitnessedCheckpoint[]> {
      requireTrusted(actor);
      const rows = await db
        .selectFrom('audit_witnessed')
        .selectAll()
        .where('account_id', '=', actor.account.id)
        .orderBy('size')
        .orderBy('device_id')
        .execute();
      return rows.map(toApi);
    },
  };
}

function toApi(row: AuditWitnessedTable): WitnessedCheckpoint {
  return {
    deviceId: row.device_id,
    size: Number(row.size),
    root: row.root,
    note: row.note,
    seenAt: iso(Number(row.seen_at)),
  };
}

export type AuditWitnessed = ReturnType<typeof createAuditWitnessed>;
