import http from 'node:http';
import type { SyncChangesPage } from '@shoebox/shared';
import { forward, listenOnLoopback } from './loopback-proxy.ts';

/** What a sync agent did through the proxy, in the order it happened. */
export type SyncProxyEvent =
  | { kind: 'page'; cursor: string; ids: string[] }
  | { kind: 'originals'; ids: string[] }
  | { kind: 'ack'; cursor: string };

export interface CountingProxy {
  url: string;
  state: {
    events: SyncProxyEvent[];
    /** How many `/sync/originals` requests have passed. */
    originals: number;
    /** Cut the answer to the `cutAt`-th originals request after its first megabyte; 0: never. */
    cutAt: number;
  };
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a test server that logs, in order, the feed pages it passes on, the photos each
 * `/sync/originals` request asks for and each acknowledged cursor; it calls `check` on every request, and can cut
 * the `cutAt`-th originals answer (as when the agent dies in the middle of a batch).
 */
export async function startCountingProxy(
  target: string,
  check: () => void = () => {},
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const state: CountingProxy['state'] = { events: [], originals: 0, cutAt: 0 };
  const server = http.createServer((req, res) => {
    check();
    const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(body);
      const cut = route === 'POST /api/sync/originals' && ++state.originals === state.cutAt;
      if (route === 'POST /api/sync/originals')
        state.events.push({ kind: 'originals', ids: (JSON.parse(sent.toString()) as { ids: string[] }).ids });
      if (route === 'POST /api/sync/ack')
        state.events.push({
          kind: 'ack',
          cursor: (JSON.parse(sent.toString()) as { cursor: string }).cursor,
        });
      forward(
        upstream,
        req,
        res,
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          const got: Buffer[] = [];
          let bytes = 0;
          reply.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // The agent dies in the middle of a batch (its connection breaks with it).
            if (cut && bytes > 1_000_000) {
              res.socket?.destroy();
              reply.destroy();
              return;
            }
            if (route === 'GET /api/sync/changes') got.push(chunk);
            res.write(chunk);
          });
          reply.on('end', () => {
            if (route === 'GET /api/sync/changes' && reply.statusCode === 200) {
              const page = JSON.parse(Buffer.concat(got).toString()) as SyncChangesPage;
              state.events.push({
                kind: 'page',
                cursor: page.cursor,
                ids: page.changes.map((c) => c.entityId),
              });
            }
            res.end();
          });
        },
        sent,
      );
    });
  });
  return { ...(await listenOnLoopback(server)), state };
}
