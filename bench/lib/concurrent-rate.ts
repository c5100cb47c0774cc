/**
 * Runs `txn` for i = 0 … total-1 over `workers` concurrent loops (each call its own transaction, say) and returns
 * the calls per second: how the database's commits scale with concurrent actions.
 */
export async function concurrentRate(
  workers: number,
  total: number,
  txn: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < total; i = next++) await txn(i);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}
