import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Photo, PushMessage } from '@shoebox/shared';
import type { ClusterBus } from '../adapters/db/database.ts';
import type { Authenticate } from '../adapters/http/auth.ts';
import { resolveClientIp } from '../adapters/http/client-ip.ts';
import { toProblem } from '../adapters/http/problem.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';
import type { Principal } from '../platform/principal.ts';
import { parseClusterMessage, type ClusterMessage } from './cluster-messages.ts';

export const SOCKET_PATH = '/api/sync/socket';
/**
 * A hint carries its photo up to this size of JSON (it is usually ~1 KB): PostgreSQL's NOTIFY takes at most
 * 8,000 bytes, and a bigger photo (long claimed names) is simply left to the feed.
 */
const HINT_PHOTO_MAX = 4000;
/** Sessions can also just expire; sockets re-check theirs this often. */
const REVALIDATE_MS = 15_000;

export interface PushHubDeps {
  authenticate: Authenticate;
  events: EventBus;
  bus: ClusterBus;
  /** The feed head of an account as an opaque cursor. */
  head: (accountId: string) => Promise<string>;
  trustProxy: readonly string[];
  log: Logger;
}

interface Client {
  socket: WebSocket;
  principal: Principal;
  token: string;
}

/**
 * The only code that touches sockets. Devices get small hints ("the feed moved to N") and device-targeted
 * messages; every instance hears every hint through the cluster bus, so it does not matter which instance a
 * device is connected to.
 */
export function createPushHub(deps: PushHubDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const clients = new Set<Client>();
  const pendingHeads = new Map<string, Promise<void>>();

  const send = (client: Client, message: PushMessage) => {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  };

  const close = (client: Client, reason: string) => {
    send(client, { type: 'signed-out', reason });
    client.socket.close(4001, reason.slice(0, 100));
    clients.delete(client);
  };

  /** A new upload: its hint goes out at once with the photo, outside the coalescing of plain moves. */
  async function announcePhoto(accountId: string, photo: Photo): Promise<void> {
    const cursor = await deps.head(accountId);
    for (const c of clients) {
      if (c.principal.account.id === accountId && c.principal.device.status === 'trusted')
        send(c, { type: 'feed', cursor, photo });
    }
  }

  async function announceHead(accountId: string): Promise<void> {
    // Coalesce bursts: one head lookup per account at a time, and one more if changes arrived meanwhile.
    const running = pendingHeads.get(accountId);
    if (running) {
      await running;
      return announceHead(accountId);
    }
    const task = (async () => {
      const cursor = await deps.head(accountId);
      // A device waiting for approval must not even learn that the library changed.
      for (const c of clients) {
        if (c.principal.account.id === accountId && c.principal.device.status === 'trusted')
          send(c, { type: 'feed', cursor });
      }
    })();
    pendingHeads.set(accountId, task);
    try {
      await task;
    } finally {
      pendingHeads.delete(accountId);
    }
  }

  function onCluster(message: ClusterMessage): void {
    switch (message.type) {
      case 'feed':
        void (
          message.photo ? announcePhoto(message.accountId, message.photo) : announceHead(message.accountId)
        ).catch((err: unknown) => deps.log.warn({ err }, 'push: head lookup failed'));
        return;
      case 'revoke':
        for (const c of clients) {
          if (c.principal.session.id === message.sessionId || c.principal.device.id === message.deviceId)
            close(c, message.reason);
        }
        return;
      case 'device':
        for (const c of clients) {
          if (c.principal.device.id === message.deviceId)
            send(c, { type: 'device', event: message.event, data: message.data });
        }
        return;
      case 'account':
        if (message.event === 'enrolment.approved') promote((message.data as { deviceId?: string }).deviceId);
        for (const c of clients) {
          if (c.principal.account.id === message.accountId && c.principal.device.status === 'trusted') {
            send(c, { type: 'device', event: message.event, data: message.data });
          }
        }
        return;
    }
  }

  /** A device let in while connected starts receiving library hints without reconnecting. */
  function promote(deviceId: string | undefined): void {
    for (const c of clients) {
      if (c.principal.device.id === deviceId)
        c.principal = { ...c.principal, device: { ...c.principal.device, status: 'trusted' } };
    }
  }

  const publish = (m: ClusterMessage) =>
    void deps.bus.publish(m).catch((err: unknown) => deps.log.warn({ err }, 'push: publish failed'));
  const unsubscribe = [
    deps.bus.subscribe((raw) => {
      const message = parseClusterMessage(raw);
      if (message) onCluster(message);
    }),
    deps.events.on('photo.added', (e) =>
      publish({
        type: 'feed',
        accountId: e.accountId,
        ...(e.photo && JSON.stringify(e.photo).length <= HINT_PHOTO_MAX ? { photo: e.photo } : {}),
      }),
    ),
    deps.events.on('photo.changed', (e) => publish({ type: 'feed', accountId: e.accountId })),
    deps.events.on('library.changed', (e) => publish({ type: 'feed', accountId: e.accountId })),
    deps.events.on('session.revoked', (e) =>
      publish({ type: 'revoke', sessionId: e.sessionId, deviceId: '', reason: e.reason }),
    ),
    deps.events.on('device.message', (e) =>
      publish({ type: 'device', deviceId: e.deviceId, event: e.event, data: e.data }),
    ),
    deps.events.on('account.message', (e) =>
      publish({ type: 'account', accountId: e.accountId, event: e.event, data: e.data }),
    ),
  ];

  const revalidate = setInterval(() => {
    for (const c of clients) {
      void deps
        .authenticate(c.token, c.principal.ip)
        .then((p) => (p ? undefined : close(c, 'session-ended')));
    }
  }, REVALIDATE_MS);
  revalidate.unref();

  async function onUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    trustProxy: readonly string[],
  ) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token =
      url.searchParams.get('access_token') ?? request.headers.authorization?.replace(/^Bearer\s+/i, '');
    const ip = resolveClientIp(request.socket.remoteAddress, header(request, 'x-forwarded-for'), trustProxy);
    const principal = token ? await deps.authenticate(token, ip).catch(() => null) : null;
    if (!token || !principal) {
      socket.end(refusal(token));
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, principal, token };
      clients.add(client);
      ws.on('close', () => clients.delete(client));
      ws.on('error', () => clients.delete(client));
      ws.on('message', (data: Buffer) => onClientMessage(client, data.toString('utf8')));
      // A device waiting for approval must not even learn where the library's feed stands (reconnecting would
      // otherwise tell it whether the library changed): its hello carries no cursor.
      if (principal.device.status !== 'trusted') {
        send(client, { type: 'hello', deviceId: principal.device.id, cursor: null });
        return;
      }
      void deps
        .head(principal.account.id)
        .then((cursor) => send(client, { type: 'hello', deviceId: principal.device.id, cursor }));
    });
  }

  function onClientMessage(client: Client, text: string): void {
    let type: unknown;
    try {
      type = (JSON.parse(text) as { type?: unknown }).type;
    } catch {
      type = undefined;
    }
    if (type === 'ping') send(client, { type: 'pong' });
    else
      send(client, {
        type: 'error',
        code: 'unknown_message',
        detail: 'The server does not understand this message; it was ignored.',
      });
  }

  return {
    /** Takes over WebSocket upgrades on the push path of this HTTP server. */
    attach(server: Server): void {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!request.url?.startsWith(SOCKET_PATH)) {
          socket.destroy();
          return;
        }
        void onUpgrade(request, socket, head, deps.trustProxy);
      });
    },
    get connections() {
      return clients.size;
    },
    async close(): Promise<void> {
      clearInterval(revalidate);
      for (const off of unsubscribe) off();
      for (const c of clients) c.socket.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type PushHub = ReturnType<typeof createPushHub>;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The HTTP answer to an upgrade without a live session: a problem document with its code, as every route gives. */
function refusal(token: string | undefined): string {
  const body = JSON.stringify(
    toProblem(
      new AppError(
        'unauthenticated',
        token
          ? 'The session has ended or was revoked; sign in again.'
          : 'Sign in first: this request has no session token.',
      ),
      randomUUID(),
    ),
  );
  return (
    'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/problem+json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}
