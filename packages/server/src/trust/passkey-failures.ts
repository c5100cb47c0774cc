import type { Db } from '../adapters/db/database.ts';
import type { AccountRow } from '../adapters/db/schema.ts';
import type { GeoLocator } from '../adapters/geo/geo.ts';
import type { SignInThrottle, ThrottleVerdict } from '../devices/sign-in-throttle.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { auditPlace, type AuditRecorder } from '../audit/audit.recorder.ts';

/**
 * Unknown credentials share one throttle key: they name no account, so only the per-IP limits can hold them, and a
 * spray of random credential ids must not look like 20 different accounts.
 */
const UNKNOWN_CREDENTIAL = 'passkey:unknown-credential';

export function rateLimited(verdict: ThrottleVerdict & { allowed: false }): AppError {
  const seconds = Math.ceil(verdict.retryAfterMs / 1000);
  return new AppError('rate_limited', `Too many failed sign-ins; try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });
}

/**
 * Failed passkey attempts count in the same database-kept limits as wrong passwords (per IP, per account when the
 * credential names one, per IP+account), and are recorded and announced like them.
 */
export function createPasskeyFailures(deps: {
  db: Db;
  throttle: SignInThrottle;
  geo: GeoLocator;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}) {
  const { db, throttle, geo, events, clock, audit } = deps;
  return {
    /** Before the passkey is even checked: a blocked source is refused whatever it brings. */
    async guard(account: AccountRow | undefined, ip: string | null, trustedDevice: boolean): Promise<void> {
      const now = clock.now();
      const source = ip ?? 'unknown';
      const verdict = account
        ? await throttle.check(db, { email: account.email, ip: source, trustedDevice, now })
        : await throttle.checkIp(db, source, now);
      if (!verdict.allowed) throw rateLimited(verdict);
    },

    /** A proven passkey ends the account's run of failures, like a right password. */
    succeed: (account: AccountRow): Promise<void> => throttle.succeed(db, account.email, clock.now()),

    /**
     * Counts a failure. `audited: false` when the caller records it itself (a wrong code of a pending device);
     * otherwise a failure on a known account is logged as `sign-in.failed` with factor `passkey`.
     */
    async fail(input: {
      account: AccountRow | undefined;
      ip: string | null;
      deviceId: string | null;
      reason: string;
      audited?: boolean;
    }): Promise<void> {
      const { account } = input;
      const failures = await db.transaction().execute(async (trx) => {
        const count = await throttle.fail(trx, {
          email: account?.email ?? UNKNOWN_CREDENTIAL,
          ip: input.ip ?? 'unknown',
          accountId: account?.id ?? null,
          now: clock.now(),
        });
        if (account && input.audited !== false) {
          await audit.record(trx, {
            accountId: account.id,
            kind: 'sign-in.failed',
            body: {
              ip: input.ip,
              place: auditPlace(geo.locate(input.ip)),
              deviceId: input.deviceId,
              factors: ['passkey'],
              failedFactor: 'passkey',
              reason: input.reason,
            },
          });
        }
        return count;
      });
      if (account && (failures === 5 || failures % 20 === 0)) {
        events.emit('account.message', {
          accountId: account.id,
          event: 'sign-in.failures',
          data: { consecutive: failures, lastIp: input.ip },
        });
      }
    },
  };
}

export type PasskeyFailures = ReturnType<typeof createPasskeyFailures>;
