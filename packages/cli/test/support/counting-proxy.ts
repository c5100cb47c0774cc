import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const proxy: CountingProxy = {
    url: '',
    maxInFlight: 0,
    expected,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, done: () => void) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
        reply.on('end', done);
      },
    );
    out.on('error', () => {
      res.destroy();
      done();
    });
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/photos') return forward(req, res, () => {});
    inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    const done = () => inFlight--;
    const timer = setTimeout(releaseAll, holdMs);
    waiting.push(() => {
      clearTimeout(timer);
      forward(req, res, done);
    });
    if (inFlight >= proxy.expected) releaseAll();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
