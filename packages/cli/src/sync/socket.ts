import WebSocket from 'ws';
import type { Photo, PushMessage } from '@shoebox/shared';

export interface SocketHandlers {
  /**
   * The feed moved (or the socket just (re)connected and may have missed moves): pull now. `photo`: the new
   * upload the move is about, when the server says.
   */
  onFeed(photo?: Photo): void;
  onMessage(message: PushMessage): void;
  /** An open socket closed: hints may be missed until it is back, so the caller should look for itself. */
  onLost(): void;
}

/**
 * Keeps the live socket open, reconnecting with backoff. It only carries hints: the agent's periodic pass
 * still runs, so a dead socket makes the agent slower, never wrong.
 */
export function liveSocket(
  server: string,
  token: string,
  handlers: SocketHandlers,
): { close(): void; connected(): boolean } {
  let closed = false;
  /** From the server's hello until the socket closes: every change on the server is hinted meanwhile. */
  let live = false;
  let socket: WebSocket | undefined;
  let delay = 500;
  let timer: NodeJS.Timeout | undefined;

  const connect = () => {
    const url = new URL('/api/sync/socket', server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', token);
    socket = new WebSocket(url);
    let opened = false;
    socket.on('open', () => (opened = true));
    socket.on('message', (data: Buffer) => {
      let message: PushMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as PushMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') {
        delay = 500;
        live = true;
      }
      if (message.type === 'hello') handlers.onFeed();
      else if (message.type === 'feed') handlers.onFeed(message.photo);
      handlers.onMessage(message);
    });
    socket.on('error', () => {}); // 'close' follows and reconnects
    socket.on('close', () => {
      live = false;
      if (closed) return;
      if (opened) handlers.onLost();
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30_000);
    });
  };
  connect();
  return {
    connected: () => live,
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.terminate();
    },
  };
}
