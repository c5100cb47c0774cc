import type { Db } from '../adapters/db/database.ts';
import type { SignInThrottle } from '../devices/sign-in-throttle.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { PasswordHasher } from './passwords.ts';

/**
 * The password re-asked for before a sensitive change. Wrong answers count as failed sign-ins, so a borrowed or
 * stolen session cannot be used to guess the password faster than the sign-in form allows.
 */
export function createPasswordCheck(deps: {
  db: Db;
  hasher: PasswordHasher;
  throttle: SignInThrottle;
  clock: Clock;
}) {
  const { db, hasher, throttle, clock } = deps;
  return async function checkPassword(actor: Principal, password: string, hash?: string): Promise<void> {
    const email = actor.account.email;
    const ip = actor.ip ?? 'unknown';
    const verdict = await throttle.check(db, { email, ip, trustedDevice: true, now: clock.now() });
    if (!verdict.allowed) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      throw new AppError('rate_limited', `Too many wrong passwords; try again in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
    if (await hasher.verify(hash ?? actor.account.password_hash, password)) return;
    await throttle.fail(db, { email, ip, accountId: actor.account.id, now: clock.now() });
    throw new AppError('invalid_credentials', 'The password is not correct.');
  };
}

export type PasswordCheck = ReturnType<typeof createPasswordCheck>;
