// Halting checkpoint signing for every instance at once. A log known to be bad (a failed full verification, or a
// signer that finds the stored tree inconsistent with what it signed) gets a row in audit_halts, in the same
// transaction that drops the "verified up to" mark; each instance's signer reads the latest row every round before
// it signs (one primary-key read beside its reads of the log head) and stops while it is open, and /healthz says why.
//
// Only an operator closes a halt: a passing full verification whose snapshot already held the halt writes a
// clearance signed with the log key (audit.halt-note.ts) and an `audit.halt-cleared` entry on the log, in one
// transaction. Someone who can edit the database but not read the key file cannot forge a clearance; deleting the
// row instead does not resume signing on any instance that saw it open (that instance halts again, with a new row
// saying so), and a restarted instance re-derives the whole log at start-up because the mark went with the halt.
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { clears, signClearance } from './audit.halt-note.ts';
import type { LogSigner } from './audit.keyfile.ts';
import { VERIFIED_MARK, lockHalts, type VerifiedHead } from './audit.verify-mark.ts';

export interface OpenHalt {
  id: number;
  reason: string;
}

export interface AuditHaltsDeps {
  db: Queryable;
  signer: LogSigner;
  log: Logger;
  clock: Clock;
}

export function createAuditHalts({ db, signer, log, clock }: AuditHaltsDeps) {
  let problem: string | undefined;
  /** A halt raised here whose row could not be written yet: written on the next round. */
  let unrecorded: string | undefined;
  /** The latest halt this instance saw open: if it disappears, someone deleted it. */
  let seenOpen = 0;

  /** The latest halt in `q`, when no valid clearance closes it. Older halts are settled by the latest one. */
  async function openIn(q: Queryable): Promise<OpenHalt | undefined> {
    const row = await latest(q);
    if (!row || clears(row.clearance, signer, row.id)) return undefined;
    const forged = row.clearance !== null || row.cleared_at !== null;
    return {
      id: row.id,
      reason: forged ? `${row.reason} (its clearance is not signed by the log key)` : row.reason,
    };
  }

  async function record(reason: string): Promise<void> {
    const id = await db.transaction().execute(async (trx) => {
      // After any mark write in flight (audit.verify-mark.ts writeMark): the mark it writes is deleted below.
      await lockHalts(trx);
      const row = await trx
        .insertInto('audit_halts')
        .values({ reason, halted_at: clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The mark vouches for rows now in doubt: without it the next start-up re-derives the whole log.
      await trx.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
      return Number(row.id);
    });
    seenOpen = Math.max(seenOpen, id);
  }

  /** Halts signing here at once and, through the database, on every instance by its next round. */
  async function raise(reason: string): Promise<void> {
    problem = reason;
    log.error({ reason }, 'audit log tampering detected: no more checkpoints will be signed');
    try {
      await record(reason);
    } catch (err) {
      unrecorded = reason;
      log.error({ err }, 'audit signing halt not written to the database yet; trying again next round');
    }
  }

  /** Reads the shared state (every signing round); returns why this instance must not sign, if it must not. */
  async function refresh(): Promise<string | undefined> {
    if (unrecorded) {
      await record(unrecorded);
      unrecorded = undefined;
    }
    const newest = await latest(db);
    if ((newest?.id ?? 0) < seenOpen) {
      const gone = seenOpen;
      await raise(`audit signing halt ${gone} was removed from the database without a signed clearance`);
      return problem;
    }
    const open = newest && (await openIn(db));
    if (open) seenOpen = open.id;
    problem = open?.reason;
    return problem;
  }

  /**
   * Closes `halt` after a passing full verification up to `head` (whose snapshot held the halt): signs the
   * clearance and lets `write` put its record on the log in the same transaction. Undefined when someone else
   * cleared it first.
   */
  async function clear(
    halt: OpenHalt,
    head: VerifiedHead,
    by: string,
    write: (trx: Tx, halt: OpenHalt) => Promise<unknown>,
  ): Promise<OpenHalt | undefined> {
    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('audit_halts')
        .select(['clearance'])
        .where('id', '=', halt.id)
        .executeTakeFirst();
      if (!row || clears(row.clearance, signer, halt.id)) return false;
      const clearance = signClearance(signer, halt.id, head);
      const updated = await trx
        .updateTable('audit_halts')
        .set({ cleared_at: clock.now(), cleared_by: by, clearance })
        .where('id', '=', halt.id)
        // Two admins at once: the second finds the row changed and records nothing.
        .where((eb) =>
          row.clearance === null ? eb('clearance', 'is', null) : eb('clearance', '=', row.clearance),
        )
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await write(trx, halt);
      return true;
    });
    if (done) log.warn({ halt, by }, 'audit signing halt cleared after a passing full verification');
    await refresh();
    return done ? halt : undefined;
  }

  return {
    /** Why signing is halted (what /healthz reports), as of the last round. */
    get problem(): string | undefined {
      return problem;
    },
    openIn,
    raise,
    refresh,
    clear,
  };
}

export type AuditHalts = ReturnType<typeof createAuditHalts>;

async function latest(q: Queryable) {
  const row = await q
    .selectFrom('audit_halts')
    .select(['id', 'reason', 'cleared_at', 'clearance'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { ...row, id: Number(row.id) };
}
