import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';

export interface HousekeepingDeps {
  photos: { expireTrash(before: number): Promise<number> };
  trashDays: number;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
}

const DAY_MS = 24 * 3600_000;

/** Periodic chores: photos in the trash longer than the retention period are deleted for good. */
export function createHousekeeping(deps: HousekeepingDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;

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
      return total;
    } finally {
      running = false;
    }
  }

  return {
    runOnce,
    start() {
      const tick = () =>
        void runOnce().catch((err: unknown) => deps.log.error({ err }, 'housekeeping failed'));
      tick();
      timer = setInterval(tick, deps.intervalMs ?? 3600_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
