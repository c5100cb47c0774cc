// The one gate for operator staff reading an account's records (device histories here, the explain report
// elsewhere): staff role, a stated reason, and an entry in that account's own audit log, which the owner reads
// in their activity. The entry commits before anything is shown, so no look goes unrecorded.
import type { Db } from '../adapters/db/database.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../platform/principal.ts';

export const MAX_REASON_LENGTH = 500;

export function isStaff(actor: Principal): boolean {
  return actor.account.role === 'admin' || actor.account.role === 'support';
}

/** Refuses anyone but staff on a trusted device with a reason; returns the reason as it will be recorded. */
export function requireStaffReason(actor: Principal, reason: string | null | undefined): string {
  requireTrusted(actor);
  if (!isStaff(actor))
    throw new AppError('forbidden', 'Only support staff or an admin can look at another account’s records.');
  const stated = reason?.trim() ?? '';
  if (!stated)
    throw new AppError('forbidden', 'Staff must state a reason to look at an account’s records (--reason).');
  if (stated.length > MAX_REASON_LENGTH)
    throw new AppError('validation_failed', `The reason is longer than ${MAX_REASON_LENGTH} characters.`);
  return stated;
}

/**
 * Checks and records one staff look at the records of `accountId` (or of each of several accounts, in one
 * transaction); `scope` names what was looked at (e.g. `fleet.history:SERIAL`, `explain`). null or no accounts:
 * records that concern no account, recorded under the server key.
 */
export type StaffAccess = (
  actor: Principal,
  accountId: string | null | readonly string[],
  reason: string | null | undefined,
  scope: string,
) => Promise<void>;

export function createStaffAccess({ db, audit }: { db: Db; audit: AuditRecorder }): StaffAccess {
  return async (actor, accountId, reason, scope) => {
    const stated = requireStaffReason(actor, reason);
    const targets = typeof accountId === 'string' || accountId === null ? [accountId] : accountId;
    await db.transaction().execute(async (trx) => {
      await audit.recordMany(
        trx,
        (targets.length > 0 ? targets : [null]).map((target) => ({
          accountId: target,
          kind: 'staff.accessed' as const,
          body: { staffAccountId: actor.account.id, reason: stated, scope, ip: actor.ip },
        })),
      );
    });
  };
}
