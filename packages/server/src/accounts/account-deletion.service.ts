// Deleting an account: by its owner (recent authentication, and the password or the e-mail typed out) or by an
// admin (with a reason). The request commits at once: the account is disabled, every session ends (sockets close
// through `session.revoked`), the decision is logged, and a durable job erases the rest (account-deletion.job.ts),
// so a library of 100,000 photos does not hold the request open.
import type { AccountDeletion } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { RequireRecentAuth } from '../devices/recent-auth.ts';
import { AppError, notFound } from '../errors.ts';
import type { JobsStore } from '../jobs/jobs.store.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import type { AccountAdminStore } from './account-admin.store.ts';
import type { AccountDeletionStore, PendingDeletion } from './account-deletion.store.ts';
import { normaliseEmail, requireAdmin } from './accounts.service.ts';
import type { AccountsStore } from './accounts.store.ts';

export const ACCOUNT_DELETION_JOB = 'account.delete';
export const DELETED_REASON = 'account-deleted';
/** The job must finish whatever happens on the way (a restart, a database hiccup): it retries for days. */
export const DELETION_ATTEMPTS = 1000;

export interface AccountDeletionDeps {
  db: Db;
  accounts: AccountsStore;
  admin: Pick<AccountAdminStore, 'countEnabledAdmins' | 'setDisabled' | 'endAllSessions'>;
  store: AccountDeletionStore;
  jobs: Pick<JobsStore, 'enqueue'>;
  audit: AuditRecorder;
  requireRecentAuth: RequireRecentAuth;
  events: EventBus;
  clock: Clock;
}

export function createAccountDeletionService(deps: AccountDeletionDeps) {
  const { db, accounts, admin, store, jobs, audit, events, clock } = deps;

  /** The request itself, in one transaction; the audit entry is its last statement. */
  async function schedule(
    actor: Principal,
    accountId: string,
    pending: Omit<PendingDeletion, 'requestedAt'>,
  ): Promise<AccountDeletion> {
    const now = clock.now();
    const { requestedAt, ended } = await db.transaction().execute(async (trx) => {
      await store.lockAdmins(trx);
      const row = await accounts.findById(trx, accountId);
      if (!row) throw notFound('Account');
      const already = await store.pending(trx, accountId);
      if (already) return { requestedAt: already.requestedAt, ended: [] };
      if (row.role === 'admin' && row.disabled_at === null && (await admin.countEnabledAdmins(trx)) <= 1)
        throw new AppError('conflict', 'The last admin cannot be deleted: make another account admin first.');
      // Disabled at once: no sign-in, no new session while the job erases the library.
      if (row.disabled_at === null) await admin.setDisabled(trx, accountId, now);
      await store.markPending(trx, accountId, { ...pending, requestedAt: now });
      const ended = await admin.endAllSessions(trx, accountId, now, DELETED_REASON);
      await jobs.enqueue(
        trx,
        { kind: ACCOUNT_DELETION_JOB, payload: { accountId }, maxAttempts: DELETION_ATTEMPTS },
        now,
      );
      // The owner's own log is about to become unopenable, so the decision goes where it stays readable: the
      // admin's log, or the server's. It names the account by id only; an owner's device, session and address are
      // the deleted account's data and are left out.
      const byAdmin = pending.by === 'admin';
      await audit.record(trx, {
        accountId: byAdmin ? actor.account.id : null,
        kind: 'account.deleted',
        body: {
          ...(byAdmin ? actorOf(actor) : { deviceId: null, sessionId: null }),
          ip: byAdmin ? actor.ip : null,
          deletedAccountId: accountId,
          by: pending.by,
          adminAccountId: byAdmin ? actor.account.id : null,
          reason: pending.reason,
        },
      });
      return { requestedAt: now, ended };
    });
    // After commit: the push hub closes these sessions' sockets on every instance; the runner picks the job up.
    for (const s of ended)
      events.emit('session.revoked', {
        sessionId: s.id,
        deviceId: s.device_id,
        accountId,
        reason: DELETED_REASON,
      });
    events.emit('jobs.enqueued', { kind: ACCOUNT_DELETION_JOB });
    return { accountId, state: 'scheduled', requestedAt: iso(requestedAt) };
  }

  return {
    /** The owner deletes their own account from a trusted device. */
    async deleteOwn(
      actor: Principal,
      proof: { password?: string | undefined; confirmEmail?: string | undefined },
    ): Promise<AccountDeletion> {
      requireTrusted(actor);
      const password = proof.password === '' ? undefined : proof.password;
      await deps.requireRecentAuth(actor, { password });
      if (password === undefined) {
        const typed = proof.confirmEmail === undefined ? '' : normaliseEmail(proof.confirmEmail);
        if (typed !== normaliseEmail(actor.account.email))
          throw new AppError(
            'validation_failed',
            'Type the account’s e-mail address (confirmEmail) or give the password to delete the account.',
          );
      }
      return schedule(actor, actor.account.id, { by: 'owner', reason: 'owner-request' });
    },

    /** An admin deletes an account (their own too, while another admin remains), stating why. */
    async deleteByAdmin(
      actor: Principal,
      accountId: string,
      input: { reason: string; password?: string | undefined },
    ): Promise<AccountDeletion> {
      requireTrusted(actor);
      requireAdmin(actor);
      const reason = input.reason.trim();
      if (!reason) throw new AppError('validation_failed', 'State why the account is deleted (reason).');
      await deps.requireRecentAuth(actor, { password: input.password === '' ? undefined : input.password });
      return schedule(actor, accountId, { by: 'admin', reason });
    },

    /** Whether a deletion is under way (admins see it; enabling such an account is refused). */
    pending: (accountId: string) => store.pending(db, accountId),
  };
}

export type AccountDeletionService = ReturnType<typeof createAccountDeletionService>;
