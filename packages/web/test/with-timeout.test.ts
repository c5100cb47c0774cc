// withTimeout: what the activity log's checks wait at most, so that a server that never answers cannot hold up the
// checks queued behind one (they run one at a time) or leave the reader with no word at all.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from '../src/api/with-timeout.ts';

describe('withTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes on a result that comes in time, and a failure as it is', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, () => 'late')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, () => 'late')).rejects.toThrow(
      'refused',
    );
  });

  it('rejects with the message once the time passed, and drops a result that comes after', async () => {
    const never = new Promise<number>(() => undefined);
    const waiting = withTimeout(never, 30_000, () => 'the server did not answer within 30 seconds');
    const settled = vi.fn();
    waiting.then(settled, settled);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).rejects.toThrow('the server did not answer within 30 seconds');
  });

  it('leaves no timer behind once settled', async () => {
    await withTimeout(Promise.resolve(1), 60_000, () => 'late');
    expect(vi.getTimerCount()).toBe(0);
  });
});
