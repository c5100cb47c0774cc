import type { Reauthenticated, ReauthRequest } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { PasswordCheck } from '../accounts/password-check.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import type { SignInThrottle } from '../devices/sign-in-throttle.ts';
import { REAUTH_WINDOW_MS } from '../devices/session-lifetime.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { AppError, isAppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { FactorsStore } from './factors.store.ts';
import { matchTotp } from './totp.ts';

export interface ReauthDeps {
  db: Db;
  devices: DevicesStore;
  factors: FactorsStore;
  checkPassword: PasswordCheck;
  throttle: SignInThrottle;
  clock: Clock;
  audit: AuditRecorder;
}

/** Refusals worth a record: a wrong answer, or a source already blocked for too many. */
const REFUSALS: Record<string, string> = { invalid_credentials: 'wrong', rate_limited: 'rate-limited' };

/**
 * `POST /api/session/reauth`: this session proves the password or an authenticator code again, so sensitive
 * actions in the next 15 minutes need no password. Wrong answers of either kind count as failed sign-ins.
 */
export function createReauthService(deps: ReauthDeps) {
  const { db, devices, factors, checkPassword, throttle, clock, audit } = deps;

  async function byTotp(actor: Principal, code: string): Promise<void> {
    const email = actor.account.email;
    const ip = actor.ip ?? 'unknown';
    const verdict = await throttle.check(db, { email, ip, trustedDevice: true, now: clock.now() });
    if (!verdict.allowed) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      throw new AppError('rate_limited', `Too many wrong codes; try again in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
    const totp = await factors.confirmedTotp(db, actor.account.id);
    if (!totp) throw new AppError('conflict', 'This account has no authenticator app set up.');
    const step = /^\d{6}$/.test(code) ? matchTotp(totp.secret, code, clock.now(), totp.last_step) : null;
    // The step is claimed like at sign-in: a code seen over a shoulder cannot be replayed here.
    if (step === null || !(await factors.claimStep(db, totp.id, step))) {
      await throttle.fail(db, { email, ip, accountId: actor.account.id, now: clock.now() });
      throw new AppError('invalid_credentials', 'The code is not correct.');
    }
  }

  return {
    async reauthenticate(actor: Principal, input: ReauthRequest): Promise<Reauthenticated> {
      requireTrusted(actor);
      const factor = input.password !== undefined ? 'password' : 'totp';
      try {
        if (input.password !== undefined) await checkPassword(actor, input.password);
        else if (input.code !== undefined) await byTotp(actor, input.code);
        else throw new AppError('validation_failed', 'Give either the password or an authenticator code.');
      } catch (err) {
        const reason = isAppError(err) ? REFUSALS[err.code] : undefined;
        // The refusal is on the record (and in the activity) even though the request fails.
        if (reason)
          await db.transaction().execute(async (trx) => {
            await audit.record(trx, {
              accountId: actor.account.id,
              kind: 'reauth.failed',
              body: { ...actorOf(actor), factor, reason, ip: actor.ip },
            });
          });
        throw err;
      }
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await devices.setAuthenticatedAt(trx, actor.session.id, now);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'reauth.succeeded',
          body: { ...actorOf(actor), factor, ip: actor.ip },
        });
      });
      return { authenticatedAt: iso(now), freshUntil: iso(now + REAUTH_WINDOW_MS) };
    },
  };
}

export type ReauthService = ReturnType<typeof createReauthService>;
