import http from 'node:http';
import net from 'node:net';
import { forward, listenOnLoopback, passThrough } from '../../../server/test/support/loopback-proxy.ts';

export interface GateProxy {
  url: string;
  /** Download requests (`POST /api/sync/originals`, `GET /api/photos/:id/original`) let through and finished. */
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
  let allowance = 0;
  let waiting: (() => void)[] = [];
  const sockets = new Set<net.Socket>();

  const pass = (req: http.IncomingMessage, res: http.ServerResponse, counted: boolean) =>
    forward(
      upstream,
      req,
      res,
      passThrough(res, () => counted && proxy.downloadsPassed++),
    );

  const server = http.createServer((req, res) => {
    if (!isDownload(req)) return pass(req, res, false);
    if (!gated || allowance > 0) {
      allowance--;
      return pass(req, res, true);
    }
    // A client that gave up while held (a killed agent) is not replayed.
    waiting.push(() => (req.socket.destroyed ? undefined : pass(req, res, true)));
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
      allowance = n;
    },
    open() {
      gated = false;
      const ready = waiting;
      waiting = [];
      for (const go of ready) go();
    },
    close: () => Promise.resolve(),
  };
  const listening = await listenOnLoopback(server);
  proxy.url = listening.url;
  proxy.close = () => {
    for (const socket of sockets) socket.destroy();
    return listening.close();
  };
  return proxy;
}
