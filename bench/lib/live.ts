// A device's live channel that comes back when its instance goes away, as the apps do: on close it reconnects
// (through the proxy, so to another instance) until stopped.
import WebSocket from 'ws';

export interface LiveDevice {
  /** `feed` hints received over all connections. */
  readonly feeds: number;
  /** Connections made after the first (a closed socket is replaced within ~100 ms). */
  readonly reconnects: number;
  stop(): void;
}

/** `onMessage` sees every message (e.g. `feed` hints and the `hello` after each reconnection). */
export function liveDevice(
  url: string,
  token: string,
  onMessage?: (message: { type?: string }) => void,
): Promise<LiveDevice> {
  let feeds = 0;
  let reconnects = 0;
  let stopped = false;
  let socket: WebSocket | undefined;
  const device: LiveDevice = {
    get feeds() {
      return feeds;
    },
    get reconnects() {
      return reconnects;
    },
    stop() {
      stopped = true;
      socket?.close();
    },
  };
  return new Promise((resolve, reject) => {
    let first = true;
    const connect = () => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/sync/socket?access_token=${token}`);
      socket = ws;
      let opened = false;
      ws.on('message', (d: Buffer) => {
        const message = JSON.parse(d.toString('utf8')) as { type?: string };
        if (message.type === 'feed') feeds++;
        onMessage?.(message);
      });
      // 'close' follows every error.
      ws.on('error', () => undefined);
      ws.once('open', () => {
        opened = true;
        if (!first) reconnects++;
        first = false;
        resolve(device);
      });
      ws.once('close', () => {
        if (first && !opened) return reject(new Error(`no live channel at ${url}`));
        if (!stopped) setTimeout(connect, 100);
      });
    };
    connect();
  });
}
