import http from 'node:http';
import { forward, listenOnLoopback, passThrough } from '../../../server/test/support/loopback-proxy.ts';

export interface CountingProxy {
  url: string;
  /** The most photo uploads that were in flight at once. */
  maxInFlight: number;
  /** How many uploads to wait for before letting them through; 1 lets each pass at once. */
  expected: number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the test server that measures how many uploads the CLI runs at once.
 * Small photos upload in milliseconds, so concurrent requests might never overlap by chance; the proxy
 * therefore holds each upload until `expected` are waiting (or `holdMs` passed), then lets them through.
 * If the CLI ran uploads one by one, every upload would wait out `holdMs` and the maximum would stay at 1.
 */
export async function startCountingProxy(
  target: string,
  expected: number,
  holdMs = 3000,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  const releaseAll = () => {
    const ready = waiting;
    waiting = [];
    for (const go of ready) go();
  };
  const proxy: CountingProxy = { url: '', maxInFlight: 0, expected, close: () => Promise.resolve() };

  const pass = (req: http.IncomingMessage, res: http.ServerResponse, done: () => void) =>
    forward(upstream, req, res, passThrough(res, done));

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/photos') return pass(req, res, () => {});
    inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    const done = () => inFlight--;
    const timer = setTimeout(releaseAll, holdMs);
    waiting.push(() => {
      clearTimeout(timer);
      pass(req, res, done);
    });
    if (inFlight >= proxy.expected) releaseAll();
  });
  Object.assign(proxy, await listenOnLoopback(server));
  return proxy;
}
