// What admins and support staff do to accounts beyond creating them: look one up by e-mail (staff, audited in
// that account's log), review and revoke invites, disable and enable accounts.
import type { Account, Invite } from '@shoebox/shared';
import type { Db, Queryable } from '../adapters/db/database.ts';
import { actorOf, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import type { AccountAdminStore } from './account-admin.store.ts';
import type { AccountsStore } from './accounts.store.ts';
import { normaliseEmail, requireAdmin, toAccount } from './accounts.service.ts';

/** Same shape as fleet/staff-access.ts's StaffAccess (checks role and reason, records the look). */
type StaffAccess = (
  actor: Principal,
  accountId: string | null,
  reason: string | null | undefined,
  scope: string,
) => Promise<void>;

export interface AccountAdminDeps {
  db: Db;
  accounts: AccountsStore;
  store: AccountAdminStore;
  audit: AuditRecorder;
  staffAccess: StaffAccess;
  events: EventBus;
  clock: Clock;
  /** Whether the account is being deleted (account-deletion.*): it stays disabled until it is gone. */
  deletionPending?: (db: Queryable, accountId: string) => Promise<boolean>;
}

export const DISABLED_REASON = 'account-disabled';

export function createAccountAdminService(deps: AccountAdminDeps) {
  const { db, accounts, store, audit, staffAccess, events, clock } = deps;

  function adminOnTrustedDevice(actor: Principal): void {
    requireTrusted(actor);
    requireAdmin(actor);
  }

  return {
    /** Staff find an account by e-mail; the look is recorded (with its reason) before the answer is given. */
    async lookup(actor: Principal, email: string, reason: string | undefined): Promise<Account> {
      const row = await accounts.findByEmail(db, normaliseEmail(email));
      // An address with no account concerns nobody's records: that look goes on the server's log.
      await staffAccess(actor, row?.id ?? null, reason, 'account.lookup');
      if (!row) throw notFound('Account');
      return toAccount(row);
    },

    async invites(actor: Principal): Promise<Invite[]> {
      adminOnTrustedDevice(actor);
      const now = clock.now();
      return (await store.invites(db))
        .sort((a, b) => b.expiresAt - a.expiresAt)
        .map((i) => ({
          id: i.id,
          email: i.email,
          expiresAt: iso(i.expiresAt),
          createdAt: i.createdAt === null ? null : iso(i.createdAt),
          createdBy: i.createdBy,
          expired: i.expiresAt < now,
        }));
    },

    async revokeInvite(actor: Principal, id: string): Promise<void> {
      adminOnTrustedDevice(actor);
      await db.transaction().execute(async (trx) => {
        const invite = await store.invite(trx, id);
        if (!invite || !(await store.deleteInvite(trx, id))) throw notFound('Invite');
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'invite.revoked',
          body: { ...actorOf(actor), inviteId: id, email: invite.email, ip: actor.ip },
        });
      });
    },

    /**
     * Disables (no sign-in; every session ends now and its sockets close) or enables an account. An admin cannot
     * disable their own account, nor the last enabled admin. Setting the state it already has changes nothing.
     */
    async setDisabled(actor: Principal, accountId: string, disabled: boolean): Promise<Account> {
      adminOnTrustedDevice(actor);
      if (disabled && accountId === actor.account.id)
        throw new AppError('conflict', 'You cannot disable your own account.');
      const now = clock.now();
      const { account, ended } = await db.transaction().execute(async (trx) => {
        const row = await accounts.findById(trx, accountId);
        if (!row) throw notFound('Account');
        if ((row.disabled_at !== null) === disabled) return { account: row, ended: [] };
        if (!disabled && (await deps.deletionPending?.(trx, accountId)))
          throw new AppError('conflict', 'This account is being deleted; it cannot be enabled again.');
        if (disabled && row.role === 'admin' && (await store.countEnabledAdmins(trx)) <= 1)
          throw new AppError('conflict', 'The last admin cannot be disabled.');
        await store.setDisabled(trx, accountId, disabled ? now : null);
        const ended = disabled ? await store.endAllSessions(trx, accountId, now, DISABLED_REASON) : [];
        const who = { ...actorOf(actor), adminAccountId: actor.account.id, ip: actor.ip };
        await audit.record(
          trx,
          disabled
            ? { accountId, kind: 'account.disabled', body: { ...who, endedSessions: ended.length } }
            : { accountId, kind: 'account.enabled', body: who },
        );
        // Another account's admin did it: the sessions' own log names no device of its account as the one that did.
        const server = { deviceId: null, sessionId: null };
        await audit.recordMany(trx, endedSessionEntries(accountId, server, ended, DISABLED_REASON));
        return { account: { ...row, disabled_at: disabled ? now : null }, ended };
      });
      // After commit: the push hub closes these sessions' sockets on every instance.
      for (const s of ended)
        events.emit('session.revoked', {
          sessionId: s.id,
          deviceId: s.device_id,
          accountId,
          reason: DISABLED_REASON,
        });
      return toAccount(account);
    },
  };
}

export type AccountAdminService = ReturnType<typeof createAccountAdminService>;
