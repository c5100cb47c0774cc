/**
 * Reads a long NDJSON answer line by line as it arrives, in bounded memory: the body is pulled only as fast as the
 * caller takes lines, so a slow consumer holds the server's stream back (TCP) rather than buffering it here.
 */
export async function* ndjsonLines<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
      const text = rest.slice(start, nl);
      start = nl + 1;
      if (text) yield JSON.parse(text) as T;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest.trim()) yield JSON.parse(rest) as T;
}

/**
 * At most `size` tasks at a time. `run` waits for a free slot; the first failure stops new work and is thrown by
 * the next `run` or by `drain`, once all the running tasks ended, so nothing after a failure is counted as applied
 * and nothing still runs when the caller sees the failure.
 */
export class WorkPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { err: unknown } | undefined;

  constructor(private readonly size: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.size) await Promise.race(this.running);
    // After a failure the tasks still running are waited for: none may go on writing after the caller gave up.
    if (this.failure) await this.drain();
    const p: Promise<void> = task()
      .catch((err: unknown) => {
        this.failure ??= { err };
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.check();
  }

  private check(): void {
    if (this.failure) {
      const { err } = this.failure;
      throw err;
    }
  }
}
