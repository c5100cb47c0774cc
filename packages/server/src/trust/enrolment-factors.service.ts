import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { EmailCodeSent, EnrolmentFactor } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { EnrolmentRow } from '../adapters/db/schema.ts';
import type { Mailer } from '../adapters/mail/mailer.ts';
import { parsePlace } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { actedFrom, type Principal } from '../platform/principal.ts';
import { auditPlaceText, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { EnrolmentOutcomes } from './enrolment-outcomes.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import type { FactorsStore } from './factors.store.ts';
import { recoveryCodeHash } from './recovery-codes.ts';
import { matchTotp } from './totp.ts';

export interface EnrolmentFactorsDeps {
  db: Db;
  enrolments: EnrolmentsStore;
  factors: FactorsStore;
  outcomes: EnrolmentOutcomes;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  /** The "This wasn't me" link to put in the e-mail (a single-use token). */
  notMeLink(accountId: string, deviceId: string | null): Promise<string>;
}

/** E-mailed codes: 8 digits, at most 10 minutes, one at a time, a new one at most every 30 s. */
export const EMAIL_CODE_TTL_MS = 10 * 60_000;
const EMAIL_CODE_DIGITS = 8;
const EMAIL_RESEND_MS = 30_000;

/** A pending device letting itself in with a second factor instead of a trusted device. */
export function createEnrolmentFactors(deps: EnrolmentFactorsDeps) {
  const { db, enrolments, factors, outcomes, mailer, events, clock, audit } = deps;
  const emailHash = (enrolmentId: string, code: string) =>
    createHash('sha256').update(`${enrolmentId}:email:${code}`).digest('hex');

  async function byTotp(e: EnrolmentRow, actor: Principal, code: string) {
    const totp = await factors.confirmedTotp(db, e.account_id);
    if (!totp) throw new AppError('conflict', 'This account has no authenticator app set up.');
    const step = /^\d{6}$/.test(code) ? matchTotp(totp.secret, code, clock.now(), totp.last_step) : null;
    if (step === null) return outcomes.wrongCode(e, actor, 'totp');
    return outcomes.approve(
      e,
      { factor: 'totp', byDeviceId: null, ip: actor.ip },
      { claim: (trx) => factors.claimStep(trx, totp.id, step) },
    );
  }

  async function byRecoveryCode(e: EnrolmentRow, actor: Principal, code: string) {
    const row = await factors.findRecoveryCode(db, e.account_id, recoveryCodeHash(e.account_id, code));
    if (!row) return outcomes.wrongCode(e, actor, 'recovery-code');
    let remaining = 0;
    const place = auditPlaceText(actor.device.last_place);
    const done = await outcomes.approve(
      e,
      { factor: 'recovery-code', byDeviceId: null, ip: actor.ip },
      {
        claim: (trx) => factors.useRecoveryCode(trx, row.id, clock.now(), actor.device.id),
        async recordAfter(trx) {
          remaining = await factors.unusedRecoveryCodes(trx, e.account_id);
          await audit.record(trx, {
            accountId: e.account_id,
            kind: 'recovery-code.used',
            body: { ip: actor.ip, place, deviceId: actor.device.id, remaining },
          });
        },
      },
    );
    events.emit('account.message', {
      accountId: e.account_id,
      event: 'recovery-code.used',
      data: { ...actedFrom(actor), remaining },
    });
    return done;
  }

  async function byEmailCode(e: EnrolmentRow, actor: Principal, code: string) {
    if (!e.email_code_hash)
      throw new AppError('conflict', 'No code has been e-mailed for this sign-in; ask for one first.');
    const hash = emailHash(e.id, code);
    const live = (e.email_code_expires_at ?? 0) > clock.now();
    if (!live || !timingSafeEqual(Buffer.from(hash), Buffer.from(e.email_code_hash)))
      return outcomes.wrongCode(e, actor, 'email-code');
    return outcomes.approve(
      e,
      { factor: 'email-code', byDeviceId: null, ip: actor.ip },
      { claim: (trx) => enrolments.takeEmailCode(trx, e.id, hash) },
    );
  }

  return {
    async verify(actor: Principal, method: EnrolmentFactor, code: string) {
      if (actor.device.status === 'trusted') return { state: 'approved' as const, deviceId: actor.device.id };
      const e = await outcomes.openAttempt(actor);
      const given = code.trim();
      if (method === 'totp') return byTotp(e, actor, given);
      if (method === 'recovery-code') return byRecoveryCode(e, actor, given);
      return byEmailCode(e, actor, given);
    },

    /** E-mails a code to the account's address; a new code replaces the previous one. */
    async sendEmailCode(actor: Principal): Promise<EmailCodeSent> {
      if (!mailer.enabled)
        throw new AppError(
          'conflict',
          'This server cannot send e-mail; use another way to approve the device.',
        );
      const e = await outcomes.openAttempt(actor);
      const now = clock.now();
      const issuedAt = (e.email_code_expires_at ?? 0) - EMAIL_CODE_TTL_MS;
      if (e.email_code_hash && now - issuedAt < EMAIL_RESEND_MS)
        throw new AppError('rate_limited', 'A code was just sent; wait a few seconds before asking again.', {
          retryAfterSeconds: Math.ceil((EMAIL_RESEND_MS - (now - issuedAt)) / 1000),
        });
      const code = String(randomInt(0, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, '0');
      const expiresAt = Math.min(now + EMAIL_CODE_TTL_MS, e.expires_at);
      await enrolments.update(db, e.id, {
        email_code_hash: emailHash(e.id, code),
        email_code_expires_at: expiresAt,
      });
      const place = parsePlace(actor.device.last_place);
      const link = await deps.notMeLink(e.account_id, actor.device.id);
      await mailer.send({
        to: actor.account.email,
        subject: `Your Shoebox sign-in code: ${code}`,
        text: [
          `Your code to let a new device in to your Shoebox library: ${code}`,
          `It works once, until ${iso(expiresAt).replace('T', ' ').slice(0, 19)} UTC.`,
          `The device: ${actor.device.name}${actor.device.model ? ` (${actor.device.model})` : ''}, ` +
            `from ${place?.label ?? 'an unknown place'} (IP ${actor.ip ?? 'unknown'}).`,
          '',
          'If you are not signing in, do not give this code to anyone.',
          `This wasn't me: ${link}`,
          '(removes that device and asks you to change your password)',
        ].join('\n'),
      });
      return { sentTo: maskEmail(actor.account.email), expiresAt: iso(expiresAt) };
    },
  };
}

export type EnrolmentFactors = ReturnType<typeof createEnrolmentFactors>;

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}…@${domain}`;
}
