// A tiny round-robin reverse proxy on loopback, standing in for nginx in the multi-instance bench: each request
// (and each WebSocket upgrade) goes to the next instance, with X-Forwarded-For appended as a real proxy does.
// The response says which instance served it (x-served-by), so the bench can tell same- from cross-instance work.
import http from 'node:http';
import net from 'node:net';

export interface Proxy {
  url: string;
  /** Requests and upgrades sent to each upstream so far. */
  counts: number[];
  /** The upstream of each WebSocket upgrade, in order. */
  upgrades: number[];
  /** Takes an upstream out of the rotation (it was stopped); with none left, requests fail with 502. */
  remove(index: number): void;
  close(): Promise<void>;
}

export async function startProxy(upstreams: readonly string[]): Promise<Proxy> {
  const targets = upstreams.map((u) => new URL(u));
  const live = targets.map(() => true);
  const counts = targets.map(() => 0);
  const upgrades: number[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const pick = (): number | undefined => {
    for (let i = 0; i < targets.length; i++) {
      const index = (next + i) % targets.length;
      if (live[index]) {
        next = index + 1;
        counts[index] = (counts[index] ?? 0) + 1;
        return index;
      }
    }
    return undefined;
  };
  const forwarded = (req: http.IncomingMessage) => {
    const prior = req.headers['x-forwarded-for'];
    const peer = req.socket.remoteAddress ?? '';
    return prior ? `${String(prior)}, ${peer}` : peer;
  };

  const server = http.createServer((req, res) => {
    const index = pick();
    const target = index === undefined ? undefined : targets[index];
    if (index === undefined || !target) {
      res.writeHead(502).end();
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        agent,
        headers: { ...req.headers, 'x-forwarded-for': forwarded(req) },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, { ...reply.headers, 'x-served-by': String(index) });
        reply.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  // WebSocket: replay the upgrade request to the chosen instance and splice the two sockets.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const index = pick();
    const target = index === undefined ? undefined : targets[index];
    if (index === undefined || !target) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    upgrades.push(index);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const headers = { ...req.headers, 'x-forwarded-for': forwarded(req) };
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', end);
    socket.on('error', end);
    upstream.on('close', end);
    socket.on('close', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    upgrades,
    remove(index) {
      live[index] = false;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
