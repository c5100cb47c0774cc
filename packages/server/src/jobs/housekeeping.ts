import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';

export interface HousekeepingDeps {
  photos: { expireTrash(before: number): Promise<number> };
  /** Sign-in attempts: expire overdue ones, tell owners about sign-ins left half-finished. */
  trust?: { expireOverdue(): Promise<number>; noticeHalfFinished(): Promise<number> };
  /** Sessions: end the ones that ran out (closing their sockets), delete long-expired ones. */
  sessions?: { markExpired(): Promise<number>; deleteExpired(): Promise<number> };
  trashDays: number;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  /** Security checks run often: a half-finished sign-in is announced 3 minutes after it began. */
  securityIntervalMs?: number;
}

const DAY_MS = 24 * 3600_000;

/** Periodic chores: the trash retention, and the timed parts of device trust. */
export function createHousekeeping(deps: HousekeepingDeps) {
  let timer: NodeJS.Timeout | undefined;
  let securityTimer: NodeJS.Timeout | undefined;
  let running = false;

  /** State lives in the database (enrolment rows), so a restart loses nothing: the next tick catches up. */
  async function securityOnce(): Promise<{ expired: number; halfFinished: number; sessionsEnded: number }> {
    const sessionsEnded = (await deps.sessions?.markExpired()) ?? 0;
    if (!deps.trust) return { expired: 0, halfFinished: 0, sessionsEnded };
    const halfFinished = await deps.trust.noticeHalfFinished();
    const expired = await deps.trust.expireOverdue();
    return { expired, halfFinished, sessionsEnded };
  }

  async function runOnce(): Promise<number> {
    if (running) return 0;
    running = true;
    try {
      let total = 0;
      for (;;) {
        const n = await deps.photos.expireTrash(deps.clock.now() - deps.trashDays * DAY_MS);
        total += n;
        if (n === 0) break;
      }
      if (total > 0) deps.log.info({ deleted: total }, 'expired photos from the trash');
      const sessions = (await deps.sessions?.deleteExpired()) ?? 0;
      if (sessions > 0) deps.log.info({ deleted: sessions }, 'deleted expired sessions');
      return total;
    } finally {
      running = false;
    }
  }

  return {
    runOnce,
    securityOnce,
    start() {
      const tick = () =>
        void runOnce().catch((err: unknown) => deps.log.error({ err }, 'housekeeping failed'));
      tick();
      timer = setInterval(tick, deps.intervalMs ?? 3600_000);
      timer.unref();
      const securityTick = () =>
        void securityOnce().catch((err: unknown) => deps.log.error({ err }, 'security housekeeping failed'));
      securityTimer = setInterval(securityTick, deps.securityIntervalMs ?? 15_000);
      securityTimer.unref();
    },
    stop() {
      clearInterval(timer);
      clearInterval(securityTimer);
    },
  };
}
