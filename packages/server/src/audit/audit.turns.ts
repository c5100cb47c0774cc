// In-process turns for transactions' first appends. A first append guesses where the log ends from what this
// process appended last; when several of this process's transactions start appending at once, they all guess the
// same end, and all but one are refused under the lock, reload and retry while holding it: the commit of everyone
// behind waits for those extra round trips (8 concurrent one-event transactions ran at a sixth of the rate of one at a time).
// Taking turns, each first append is sent once the previous one is through (it then holds the lock), so it
// guesses right unless that transaction appends again or rolls back. The wait is bounded (a first append stuck
// behind a lock held elsewhere must not hold up the rest for long): turns only save retries, the guarded append
// keeps the log right either way.
import { setTimeout as sleep } from 'node:timers/promises';

/** Longest wait for the previous first append before going anyway (the guarded append stays correct). */
const MAX_WAIT_MS = 1000;

export function createTurns(maxWaitMs = MAX_WAIT_MS) {
  let last: Promise<void> = Promise.resolve();
  return {
    /** Waits for the previous holder (or maxWaitMs); call the returned function when this first append is through. */
    async take(): Promise<() => void> {
      const previous = last;
      let done!: () => void;
      last = new Promise<void>((resolve) => (done = resolve));
      const timeout = new AbortController();
      await Promise.race([
        previous,
        sleep(maxWaitMs, undefined, { signal: timeout.signal }).catch(() => undefined),
      ]);
      timeout.abort();
      return done;
    },
  };
}
