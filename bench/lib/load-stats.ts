// What the load generator measures: every request by kind (latency, errors), bytes up and down, and the retries
// a device makes while its connection breaks (an instance died) or the proxy has no instance for it.
import type { Reply } from '../../packages/server/test/support/api.ts';
import { percentile, sleep } from './pool.ts';

export type RequestKind = 'upload' | 'changes' | 'ack' | 'original' | 'snapshot' | 'probe' | 'check';

export interface KindFigures {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export class LoadStats {
  readonly ms = new Map<RequestKind, number[]>();
  readonly errorsByKind = new Map<RequestKind, number>();
  readonly firstErrors: string[] = [];
  requests = 0;
  retried = 0;
  uploadBytes = 0;
  downloadBytes = 0;
  /** Originals whose bytes did not hash to the photo's SHA-256 (must be 0). */
  corrupt = 0;

  fail(kind: RequestKind, what: string): void {
    this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    if (this.firstErrors.length < 8) this.firstErrors.push(`${kind}: ${what.slice(0, 240)}`);
  }

  get errors(): number {
    return [...this.errorsByKind.values()].reduce((a, b) => a + b, 0);
  }

  /**
   * Sends with up to 20 tries 250 ms apart while the connection breaks or the proxy answers 502, as a device
   * retries; the latency recorded is the successful try's. A reply outside `ok` counts as an error of `kind`.
   */
  async send<T>(
    kind: RequestKind,
    call: () => Promise<Reply<T>>,
    ok: readonly number[] = [200],
  ): Promise<Reply<T> | undefined> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const reply = await call().catch((err: Error) => ({
        status: 0,
        body: err.message,
        headers: new Headers(),
      }));
      this.requests++;
      if ((reply.status === 0 || reply.status === 502) && attempt < 19) {
        this.retried++;
        await sleep(250);
        continue;
      }
      if (!ok.includes(reply.status)) {
        this.fail(kind, `${reply.status} ${JSON.stringify(reply.body ?? '')}`);
        return undefined;
      }
      let samples = this.ms.get(kind);
      if (!samples) this.ms.set(kind, (samples = []));
      samples.push(performance.now() - started);
      return reply as Reply<T>;
    }
  }

  figures(): Record<string, KindFigures> {
    const kinds = new Set<RequestKind>([...this.ms.keys(), ...this.errorsByKind.keys()]);
    return Object.fromEntries(
      [...kinds].map((kind) => {
        const samples = this.ms.get(kind) ?? [];
        const errors = this.errorsByKind.get(kind) ?? 0;
        return [
          kind,
          {
            requests: samples.length + errors,
            errors,
            p50Ms: percentile(samples, 50),
            p99Ms: percentile(samples, 99),
          },
        ];
      }),
    );
  }
}
