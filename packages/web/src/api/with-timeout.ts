/**
 * `work`, or a rejection with `message()` once `ms` passed without it settling (what it was doing is not cancelled:
 * its result, if it comes, is dropped).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
