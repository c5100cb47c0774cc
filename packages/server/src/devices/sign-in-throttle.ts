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
    const spread = await db
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.count<number>('email_hash').distinct().as('n'))
      .where('ip', '=', ip)
      .where('at', '>', now - 10 * MIN)
      .executeTakeFirstOrThrow();
    const last = Number(day.last ?? 0);
    const tripped = Number(day.n) >= LIMITS.ipMaxPerDay || Number(spread.n) >= LIMITS.ipMaxAccountsPer10Min;
    if (tripped && now < last + LIMITS.ipBlockMs)
      return { allowed: false, retryAfterMs: last + LIMITS.ipBlockMs - now, scope: 'ip' };
    return { allowed: true };
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
    const lastHour = rows.filter((r) => Number(r.at) > now - HOUR);
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
