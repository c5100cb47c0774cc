// The plumbing the tests' HTTP proxies share: each sits on loopback in front of a test server to count, hold or cut
// what passes, and only decides what to do with a request; forwarding and listening are here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sends `req` on to `upstream` (the body already read as `body`, else streamed) and hands the answer to `onReply`.
 * When the server behind is gone the client's connection drops, as it would without the proxy in between.
 */
export function forward(
  upstream: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  onReply: (reply: http.IncomingMessage) => void,
  body?: Buffer,
): void {
  const out = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    onReply,
  );
  out.on('error', () => res.destroy());
  if (body) out.end(body);
  else req.pipe(out);
}

/** An onReply that passes the answer through unchanged; `done` runs once the exchange is over, however it ended. */
export function passThrough(res: http.ServerResponse, done: () => void = () => {}) {
  res.once('close', done);
  return (reply: http.IncomingMessage) => {
    res.writeHead(reply.statusCode ?? 502, reply.headers);
    // A server killed in the middle of its answer: the client must see the connection drop, as it would without
    // the proxy, not an answer that stops and never ends (pipe() leaves `res` open when `reply` fails).
    reply.on('aborted', () => res.destroy());
    reply.on('error', () => res.destroy());
    reply.pipe(res);
  };
}

/** Starts `server` on a free loopback port. */
export async function listenOnLoopback(
  server: http.Server,
): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
