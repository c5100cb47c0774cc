import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  url: string;
  /** Download requests (`POST /api/sync/originals`, `GET /api/photos/:id/original`) answered so far. */
  downloadsPassed: number;
  /** Download requests waiting at the gate. */
  readonly held: number;
  /** From now on lets `pass` more downloads through and holds the rest. */
  arm(pass: number): void;
  /** Lets every held download on (to whatever server is listening now) and all later ones straight through. */
  open(): void;
  close(): Promise<void>;
}

const isDownload = (req: http.IncomingMessage) =>
  (req.method === 'POST' && req.url === '/api/sync/originals') ||
  (req.method === 'GET' && /^\/api\/photos\/[^/]+\/original$/.test(req.url ?? ''));

/**
 * A loopback proxy that, once armed, lets `pass` download requests through and holds the rest until `open()`.
 * Tests that must stop a sync "in the middle" use it to make the middle certain: on a fast machine a whole
 * library can land between two looks at the folder, so a crash timed by watching files may come too late.
 * Everything else (the feed, the live socket) passes untouched, and the proxy keeps its port while the server
 * behind it is killed and started again.
 */
export async function startGateProxy(target: string): Promise<GateProxy> {
  const upstream = new URL(target);
  let gated = false;
  let pass = 0;
  let waiting: (() => void)[] = [];
  const sockets = new Set<net.Socket>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, counted: boolean) => {
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
        if (counted) reply.on('end', () => proxy.downloadsPassed++);
      },
    );
    // The server is gone: the client sees its connection drop, as it would without the proxy.
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    if (!isDownload(req)) return forward(req, res, false);
    if (!gated || pass > 0) {
      pass--;
      return forward(req, res, true);
    }
    // A client that gave up while held (a killed agent) is not replayed.
    waiting.push(() => (req.socket.destroyed ? undefined : forward(req, res, true)));
  });

  // The live socket: the upgrade request is replayed upstream and the two connections are spliced.
  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const link = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      link.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) link.write(head);
      link.pipe(client);
      client.pipe(link);
    });
    sockets.add(link);
    link.on('close', () => {
      sockets.delete(link);
      client.destroy();
    });
    link.on('error', () => client.destroy());
    client.on('error', () => link.destroy());
    client.on('close', () => link.destroy());
  });

  const proxy: GateProxy = {
    url: '',
    downloadsPassed: 0,
    get held() {
      return waiting.length;
    },
    arm(n) {
      gated = true;
      pass = n;
    },
    open() {
      gated = false;
      const ready = waiting;
      waiting = [];
      for (const go of ready) go();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
