export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Rejects when `work` has not settled after `ms`. The work itself is not cancelled (promises cannot be), so this
 * only guards against work that waits forever; a synchronous endless loop would still block the thread.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} took longer than ${ms} ms.`)), ms);
  });
  // A late rejection of abandoned work must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of anything thrown, as one line. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() || 'unknown error';
}
