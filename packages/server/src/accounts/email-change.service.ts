import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { EmailChange, EmailChangeRequest } from '@shoebox/shared';
import type { Db, Tx } from '../adapters/db/database.ts';
import type { Mailer } from '../adapters/mail/mailer.ts';
import { actorOf, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { RequireRecentAuth } from '../devices/recent-auth.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { actedFrom, type Principal } from '../platform/principal.ts';
import { normaliseEmail } from './accounts.service.ts';
import type { AccountsStore } from './accounts.store.ts';
import { codeMail, maskEmail } from './email-change.mail.ts';
import type { EmailChangeStore, PendingEmailChange } from './email-change.store.ts';

export interface EmailChangeDeps {
  db: Db;
  accounts: AccountsStore;
  store: EmailChangeStore;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  requireRecentAuth: RequireRecentAuth;
  isUniqueViolation(err: unknown): boolean;
}

/** Codes to the new address: 8 digits, 10 minutes, single use, 5 tries, a new one at most every 30 s. */
export const EMAIL_CHANGE_TTL_MS = 10 * 60_000;
const DIGITS = 8;
const TRIES = 5;
const RESEND_MS = 30_000;

// Says only that the address cannot be used: not whose it is, nor anything about that account.
const taken = () =>
  new AppError('email_taken', 'That e-mail address cannot be used for this account; choose another.');

/**
 * Changing the account's e-mail address (its sign-in name and where notices go). With SMTP the new address must
 * prove itself with a code first, so a typo cannot take the owner's notices away; the old address is told.
 */
export function createEmailChangeService(deps: EmailChangeDeps) {
  const { db, accounts, store, mailer, events, clock, audit } = deps;
  const codeHash = (accountId: string, code: string) =>
    createHash('sha256').update(`${accountId}:email-change:${code}`).digest('hex');

  async function apply(
    actor: Principal,
    newEmail: string,
    signOutOthers: boolean,
    claim?: (trx: Tx) => Promise<boolean>,
  ): Promise<EmailChange> {
    const previousEmail = actor.account.email;
    const now = clock.now();
    const done = await db
      .transaction()
      .execute(async (trx) => {
        if (claim && !(await claim(trx)))
          throw new AppError('conflict', 'This code was used already; ask for a new one.');
        if (await accounts.findByEmail(trx, newEmail)) throw taken();
        await store.setEmail(trx, actor.account.id, newEmail);
        const ended = signOutOthers
          ? await accounts.revokeOtherSessions(trx, actor.account.id, actor.session.id, now, 'email-changed')
          : [];
        const { seq } = await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'account.email-changed',
          body: {
            ...actorOf(actor),
            previousEmail,
            newEmail,
            proof: claim ? 'email-code' : 'none',
            ip: actor.ip,
          },
        });
        await audit.recordMany(
          trx,
          endedSessionEntries(actor.account.id, actorOf(actor), ended, 'email-changed'),
        );
        return { ended, seq };
      })
      .catch((err: unknown) => {
        // Two accounts racing for one address: the unique index decides, and the loser hears the same answer.
        throw deps.isUniqueViolation(err) ? taken() : err;
      });
    for (const s of done.ended)
      events.emit('session.revoked', {
        sessionId: s.id,
        deviceId: s.device_id,
        accountId: actor.account.id,
        reason: 'email-changed',
      });
    events.emit('account.message', {
      accountId: actor.account.id,
      event: 'account.email-changed',
      data: {
        seq: done.seq,
        ...actedFrom(actor),
        previousEmail,
        email: newEmail,
        endedSessions: done.ended.length,
      },
    });
    return {
      status: 'changed',
      email: newEmail,
      newEmail,
      sentTo: null,
      expiresAt: null,
      changedAt: iso(now),
      endedSessions: done.ended.length,
    };
  }

  async function sendCode(actor: Principal, newEmail: string, signOutOthers: boolean): Promise<EmailChange> {
    const now = clock.now();
    const before = await store.get(db, actor.account.id);
    if (before && before.change.newEmail === newEmail && now - before.change.issuedAt < RESEND_MS)
      throw new AppError('rate_limited', 'A code was just sent; wait a few seconds before asking again.', {
        retryAfterSeconds: Math.ceil((RESEND_MS - (now - before.change.issuedAt)) / 1000),
      });
    const code = String(randomInt(0, 10 ** DIGITS)).padStart(DIGITS, '0');
    const change: PendingEmailChange = {
      newEmail,
      codeHash: codeHash(actor.account.id, code),
      issuedAt: now,
      expiresAt: now + EMAIL_CHANGE_TTL_MS,
      triesLeft: TRIES,
      sessionId: actor.session.id,
      signOutOtherSessions: signOutOthers,
    };
    await store.put(db, actor.account.id, change);
    await mailer.send(codeMail(newEmail, code, change.expiresAt));
    return {
      status: 'pending',
      email: actor.account.email,
      newEmail,
      sentTo: maskEmail(newEmail),
      expiresAt: iso(change.expiresAt),
      changedAt: null,
      endedSessions: 0,
    };
  }

  return {
    /** Asks for a new address: at once without SMTP, otherwise after the code sent to it. */
    async request(actor: Principal, input: EmailChangeRequest): Promise<EmailChange> {
      requireTrusted(actor);
      await deps.requireRecentAuth(actor, { password: input.password });
      const newEmail = normaliseEmail(input.newEmail);
      if (newEmail === actor.account.email)
        throw new AppError('validation_failed', 'That is already the address of this account.');
      if (await accounts.findByEmail(db, newEmail)) throw taken();
      const signOutOthers = input.signOutOtherSessions !== false;
      if (!mailer.enabled) return apply(actor, newEmail, signOutOthers);
      return sendCode(actor, newEmail, signOutOthers);
    },

    /** The code from the new address's mailbox, in the session that asked; five wrong codes end the request. */
    async confirm(actor: Principal, code: string, newEmail?: string): Promise<EmailChange> {
      requireTrusted(actor);
      const pending = await store.get(db, actor.account.id);
      if (!pending || pending.change.sessionId !== actor.session.id)
        throw new AppError('conflict', 'No change of e-mail address is waiting for a code here; ask again.');
      if (newEmail !== undefined && normaliseEmail(newEmail) !== pending.change.newEmail)
        throw new AppError('conflict', 'The change waiting for a code is to another address; ask again.');
      const { raw, change } = pending;
      if (change.expiresAt <= clock.now()) {
        await store.take(db, actor.account.id, raw);
        throw new AppError('conflict', 'The code has expired; ask for a new one.');
      }
      const given = Buffer.from(codeHash(actor.account.id, code.trim()));
      if (!timingSafeEqual(given, Buffer.from(change.codeHash))) {
        const left = change.triesLeft - 1;
        const counted =
          left <= 0
            ? await store.take(db, actor.account.id, raw)
            : await store.swap(db, actor.account.id, raw, { ...change, triesLeft: left });
        if (!counted) throw new AppError('conflict', 'The request changed meanwhile; try again.');
        throw new AppError(
          'invalid_credentials',
          left <= 0
            ? 'The code is not correct; that was the last try: ask for a new code.'
            : `The code is not correct; ${left} ${left === 1 ? 'try' : 'tries'} left.`,
          { triesLeft: Math.max(left, 0) },
        );
      }
      return apply(actor, change.newEmail, change.signOutOtherSessions, (trx) =>
        store.take(trx, actor.account.id, raw),
      );
    },
  };
}

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;
