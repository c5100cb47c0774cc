import { createHash } from 'node:crypto';
import type { Queryable } from '../adapters/db/database.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Limits from the product's security requirements (OWASP ASVS / NIST 800-63B inspired). */
export const LIMITS = {
  accountFreeFailures: 4,
  accountFirstDelayMs: 30_000,
  accountMaxDelayMs: 15 * MIN,
  accountMaxInARow: 100,
  accountMaxPerHour: 100,
  ipMaxPerDay: 100,
  ipMaxAccountsPer10Min: 20,
  ipBlockMs: 15 * MIN,
  pairMaxFailures: 10,
} as const;

export type ThrottleVerdict =
  { allowed: true } | { allowed: false; retryAfterMs: number; scope: 'account' | 'ip' | 'pair' };

export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Decides whether a sign-in attempt may even be checked. Everything is keyed by the e-mail's hash, never by
 * whether the account exists, so the answers are the same for real and made-up accounts.
 */
export function createSignInThrottle() {
  async function ipVerdict(db: Queryable, ip: string, now: number): Promise<ThrottleVerdict> {
    const day = await db
      .selectFrom('sign_in_failures')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('at').as('last')])
      .where('ip', '=', ip)
      .where('at', '>', now - 24 * HOUR)
      .executeTakeFirstOrThrow();
    const last = Number(day.last ?? 0);
    const blockedUntil = Math.max(
      Number(day.n) >= LIMITS.ipMaxPerDay ? last + LIMITS.ipBlockMs : 0,
      await sprayBlockEnd(db, ip, now),
    );
    if (now < blockedUntil) return { allowed: false, retryAfterMs: blockedUntil - now, scope: 'ip' };
    return { allowed: true };
  }

  /**
   * When the block for trying 20 accounts within 10 minutes ends: 15 minutes after the latest failure that made
   * 20 (not as soon as the first of them leaves the 10-minute window, which would let a spray on after 2 minutes).
   */
  async function sprayBlockEnd(db: Queryable, ip: string, now: number): Promise<number> {
    const window = 10 * MIN;
    const rows = await db
      .selectFrom('sign_in_failures')
      .select(['email_hash', 'at'])
      .where('ip', '=', ip)
      .where('at', '>', now - LIMITS.ipBlockMs - window)
      .orderBy('at', 'desc')
      .limit(1000)
      .execute();
    for (const row of rows) {
      const at = Number(row.at);
      if (at + LIMITS.ipBlockMs <= now) break;
      const accounts = new Set(
        rows.filter((r) => Number(r.at) > at - window && Number(r.at) <= at).map((r) => r.email_hash),
      );
      if (accounts.size >= LIMITS.ipMaxAccountsPer10Min) return at + LIMITS.ipBlockMs;
    }
    return 0;
  }

  async function accountVerdict(
    db: Queryable,
    hash: string,
    ip: string,
    now: number,
  ): Promise<ThrottleVerdict> {
    const success = await db
      .selectFrom('sign_in_successes')
      .select('at')
      .where('email_hash', '=', hash)
      .executeTakeFirst();
    const since = Math.max(Number(success?.at ?? 0), now - 24 * HOUR);
    const rows = await db
      .selectFrom('sign_in_failures')
      .select(['at', 'ip'])
      .where('email_hash', '=', hash)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(LIMITS.accountMaxInARow + 1)
      .execute();
    const last = Number(rows[0]?.at ?? 0);
    const pair = rows.filter((r) => r.ip === ip);
    if (pair.length >= LIMITS.pairMaxFailures && now < Number(pair[0]?.at ?? 0) + LIMITS.ipBlockMs) {
      return {
        allowed: false,
        retryAfterMs: Number(pair[0]?.at ?? 0) + LIMITS.ipBlockMs - now,
        scope: 'pair',
      };
    }
    // The hourly cap counts every failure of the hour, also those before a success: the owner signing in between
    // runs of guesses starts the delays over, but must not open the account to more than 100 guesses an hour.
    const lastHour = await db
      .selectFrom('sign_in_failures')
      .select('at')
      .where('email_hash', '=', hash)
      .where('at', '>', now - HOUR)
      .orderBy('at', 'desc')
      .limit(LIMITS.accountMaxPerHour)
      .execute();
    if (rows.length >= LIMITS.accountMaxInARow || lastHour.length >= LIMITS.accountMaxPerHour) {
      const oldest = Number(lastHour.at(-1)?.at ?? last);
      return { allowed: false, retryAfterMs: Math.max(1000, oldest + HOUR - now), scope: 'account' };
    }
    const extra = rows.length - LIMITS.accountFreeFailures;
    if (extra > 0) {
      const delay = Math.min(LIMITS.accountMaxDelayMs, LIMITS.accountFirstDelayMs * 2 ** (extra - 1));
      if (now < last + delay) return { allowed: false, retryAfterMs: last + delay - now, scope: 'account' };
    }
    return { allowed: true };
  }

  return {
    /** The per-IP limits alone, for attempts that name no account (an unknown passkey, a passkey challenge). */
    checkIp: (db: Queryable, ip: string, now: number): Promise<ThrottleVerdict> => ipVerdict(db, ip, now),

    /**
     * `trustedDevice`: the attempt comes from an installation already trusted on this account. An attack from
     * elsewhere must never lock the owner out of their own devices, so account-wide delays do not apply to it.
     */
    async check(db: Queryable, input: { email: string; ip: string; trustedDevice: boolean; now: number }) {
      const ip = await ipVerdict(db, input.ip, input.now);
      if (!ip.allowed) return ip;
      const account = await accountVerdict(db, emailHash(input.email), input.ip, input.now);
      if (!account.allowed && (account.scope !== 'account' || !input.trustedDevice)) return account;
      return { allowed: true } as const;
    },

    /** Records a failure; returns the number of consecutive failures of this e-mail (for owner notices). */
    async fail(
      db: Queryable,
      input: { email: string; ip: string; accountId: string | null; now: number },
    ): Promise<number> {
      const hash = emailHash(input.email);
      await db
        .insertInto('sign_in_failures')
        .values({ account_id: input.accountId, email_hash: hash, ip: input.ip, at: input.now })
        .execute();
      const success = await db
        .selectFrom('sign_in_successes')
        .select('at')
        .where('email_hash', '=', hash)
        .executeTakeFirst();
      const row = await db
        .selectFrom('sign_in_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('email_hash', '=', hash)
        .where('at', '>', Number(success?.at ?? 0))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async succeed(db: Queryable, email: string, now: number): Promise<void> {
      const hash = emailHash(email);
      await db
        .insertInto('sign_in_successes')
        .values({ email_hash: hash, at: now })
        .onConflict((oc) => oc.column('email_hash').doUpdateSet({ at: now }))
        .execute();
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
