import type {
  Account,
  CreateAccountRequest,
  PasswordChanged,
  PasswordChangeRequest,
  SignupPolicy,
} from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { AccountRow, AccountRole } from '../adapters/db/schema.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { actorOf, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { PasswordCheck } from './password-check.ts';
import type { RequireRecentAuth } from '../devices/recent-auth.ts';
import { iso } from '../platform/clock.ts';
import { newId, newSecret } from '../platform/ids.ts';
import { actedFrom, type Principal } from '../platform/principal.ts';
import type { AccountsStore } from './accounts.store.ts';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.ts';
import { consumeInvite, INVITE_PREFIX, INVITE_TTL_MS, inviteKey } from './invites.ts';

export interface AccountsServiceDeps {
  db: Db;
  store: AccountsStore;
  hasher: PasswordHasher;
  clock: Clock;
  events: EventBus;
  audit: AuditRecorder;
  checkPassword: PasswordCheck;
  /** Password (and later e-mail) changes need the password or a session proved in the last 15 minutes. */
  requireRecentAuth: RequireRecentAuth;
}

export function createAccountsService(deps: AccountsServiceDeps) {
  const { db, store, hasher, clock, events, audit, checkPassword } = deps;
  async function create(actor: Principal | null, input: CreateAccountRequest) {
    const email = normaliseEmail(input.email);
    assertAcceptablePassword(input.password, email);
    const passwordHash = await hasher.hash(input.password);
    return db.transaction().execute(async (trx) => {
      const first = (await store.count(trx)) === 0;
      let role: AccountRole = 'user';
      if (first) role = 'admin';
      else if (actor?.account.role === 'admin') {
        // Creating accounts past the sign-up policy is admin work: not from the admin's unapproved device.
        requireAdmin(actor);
        role = input.role ?? 'user';
      } else {
        const policy = await store.getSignupPolicy(trx);
        if (policy === 'closed')
          throw new AppError('signup_closed', 'Sign-up is closed on this server; ask its admin.');
        if (policy === 'invite') await consumeInvite(trx, input.inviteCode, email, clock.now());
      }
      if (await store.findByEmail(trx, email))
        throw new AppError('email_taken', 'An account with this e-mail exists.');
      const now = clock.now();
      const row: AccountRow = {
        id: newId(now),
        email,
        display_name: input.displayName ?? email.split('@')[0] ?? email,
        password_hash: passwordHash,
        role,
        created_at: now,
        password_changed_at: now,
        password_change_required_at: null,
        disabled_at: null,
      };
      await store.insert(trx, row);
      return toAccount(row);
    });
  }

  return {
    create,

    /**
     * Changes the password from a trusted device. The current password is asked for, except after "This wasn't
     * me": then someone else may have changed it, and the trusted device's session is the owner's proof.
     */
    async changePassword(actor: Principal, input: PasswordChangeRequest): Promise<PasswordChanged> {
      // A waiting device is told it waits (device_pending, as on every other route), so clients show the wait.
      if (actor.device.status === 'pending')
        throw new AppError(
          'device_pending',
          'This device is waiting for approval from one of your trusted devices.',
        );
      if (actor.device.status !== 'trusted')
        throw new AppError('device_not_trusted', 'Change the password from a trusted device.');
      const account = (await store.findById(db, actor.account.id)) ?? actor.account;
      const flagged = account.password_change_required_at !== null;
      if (input.currentPassword !== undefined && input.currentPassword !== '')
        await checkPassword(actor, input.currentPassword, account.password_hash);
      else if (!flagged) await deps.requireRecentAuth(actor);
      assertAcceptablePassword(input.newPassword, account.email);
      if (await hasher.verify(account.password_hash, input.newPassword))
        throw new AppError('weak_password', 'Choose a password other than the current one.');
      const hash = await hasher.hash(input.newPassword);
      const now = clock.now();
      const ended = await db.transaction().execute(async (trx) => {
        await store.setPassword(trx, account.id, hash, now);
        const ended =
          input.signOutOtherSessions === false
            ? []
            : await store.revokeOtherSessions(trx, account.id, actor.session.id, now, 'password-changed');
        await audit.record(trx, {
          accountId: account.id,
          kind: 'password.changed',
          body: { deviceId: actor.device.id, sessionId: actor.session.id, ip: actor.ip },
        });
        await audit.recordMany(
          trx,
          endedSessionEntries(account.id, actorOf(actor), ended, 'password-changed'),
        );
        return ended;
      });
      for (const s of ended)
        events.emit('session.revoked', {
          sessionId: s.id,
          deviceId: s.device_id,
          accountId: account.id,
          reason: 'password-changed',
        });
      events.emit('account.message', {
        accountId: account.id,
        event: 'password.changed',
        data: { ...actedFrom(actor), endedSessions: ended.length },
      });
      return { changedAt: iso(now), endedSessions: ended.length };
    },

    async serverInfo(version: string, trashDays?: number) {
      const [count, policy] = await Promise.all([store.count(db), store.getSignupPolicy(db)]);
      const info = { name: 'shoebox' as const, version, signupPolicy: policy, initialized: count > 0 };
      return trashDays === undefined ? info : { ...info, trashDays };
    },

    async setSignupPolicy(actor: Principal, policy: SignupPolicy) {
      requireAdmin(actor);
      await store.setSignupPolicy(db, policy);
    },

    async list(actor: Principal): Promise<Account[]> {
      requireAdmin(actor);
      return (await store.list(db)).map(toAccount);
    },

    /** Gives or takes away the support role; admins stay admins (a server must not lose its last one). */
    async setRole(
      actor: Principal,
      accountId: string,
      role: Exclude<AccountRole, 'admin'>,
    ): Promise<Account> {
      requireAdmin(actor);
      return db.transaction().execute(async (trx) => {
        const row = await store.findById(trx, accountId);
        if (!row) throw new AppError('not_found', 'Account not found.');
        if (row.role === 'admin')
          throw new AppError('conflict', 'An admin account’s role cannot be changed.');
        await store.setRole(trx, accountId, role);
        await audit.record(trx, {
          accountId,
          kind: 'account.role-changed',
          body: {
            deviceId: actor.device.id,
            sessionId: actor.session.id,
            role,
            previousRole: row.role,
            ip: actor.ip,
          },
        });
        return toAccount({ ...row, role });
      });
    },

    async createInvite(actor: Principal, email: string) {
      requireAdmin(actor);
      const code = newSecret(128);
      const now = clock.now();
      const expiresAt = now + INVITE_TTL_MS;
      // createdAt and createdBy let admins review and revoke invites (account-admin.service.ts).
      const value = { email: normaliseEmail(email), expiresAt, createdAt: now, createdBy: actor.account.id };
      const key = inviteKey(code);
      await db
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value) })
        .execute();
      return {
        id: key.slice(INVITE_PREFIX.length),
        code,
        email: normaliseEmail(email),
        expiresAt: iso(expiresAt),
      };
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/**
 * Admin work needs the admin role AND a device the admin trusts: the admin's password alone, on a device still
 * waiting for approval, must not open other people's accounts any more than its own library.
 */
export function requireAdmin(actor: Principal): void {
  if (actor.account.role !== 'admin') throw new AppError('forbidden', 'Only an admin can do this.');
  if (actor.device.status === 'pending')
    throw new AppError(
      'device_pending',
      'This device is waiting for approval from one of your trusted devices.',
    );
  if (actor.device.status !== 'trusted')
    throw new AppError('device_not_trusted', 'This device is not trusted.');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    createdAt: iso(row.created_at),
    disabledAt: row.disabled_at === null ? null : iso(row.disabled_at),
  };
}
