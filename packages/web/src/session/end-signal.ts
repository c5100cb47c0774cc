import { useEffect, useRef } from 'react';
import { token } from '../api/client.tsx';

/** How long the live socket waits before reconnecting after its n-th failure in a row, and how often it pings. */
export const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
export const PING_MS = 25_000;

/** The live channel's address for the session whose bearer token is `value` (a socket cannot send headers). */
export function socketUrl(value: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/sync/socket?access_token=${encodeURIComponent(value)}`;
}

/**
 * Opens the live channel for this browser's session and keeps it open: reconnects with backoff after a failure,
 * pings so proxies keep it, and hands each message (parsed JSON) to `onMessage` with a `stop` that ends it for
 * good. Returns that `stop`. Messages this version does not understand are ignored.
 */
export function openLiveSocket(onMessage: (message: unknown, stop: () => void) => void): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let attempt = 0;
  let retryTimer = 0;
  let pingTimer = 0;
  const stop = () => {
    stopped = true;
    window.clearTimeout(retryTimer);
    window.clearInterval(pingTimer);
    socket?.close();
  };

  function connect() {
    const value = token.get();
    if (!value || stopped) return;
    const ws = new WebSocket(socketUrl(value));
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      pingTimer = window.setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), PING_MS);
    };
    ws.onmessage = (event) => {
      if (stopped) return;
      try {
        onMessage(JSON.parse(String(event.data)), stop);
      } catch {
        // A message this version does not understand is ignored.
      }
    };
    ws.onclose = () => {
      window.clearInterval(pingTimer);
      if (stopped) return;
      const delay = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] ?? 30_000;
      retryTimer = window.setTimeout(connect, delay);
    };
  }

  connect();
  return stop;
}

/**
 * While `active` (a browser waiting to be let in), listens on the same socket for the server ending this session
 * and hands over its reason (e.g. `enrolment-denied`): the waiting screen then knows at once, and says why, instead
 * of finding out from its next poll failing with 401. A waiting device hears nothing else on it.
 */
export function useSessionEndSignal(active: boolean, onEnded: (reason: string) => void): void {
  const latest = useRef(onEnded);
  useEffect(() => {
    latest.current = onEnded;
  });

  useEffect(() => {
    if (!active) return;
    return openLiveSocket((raw, stop) => {
      const message = raw as { type?: unknown; reason?: unknown };
      if (message.type !== 'signed-out') return;
      stop();
      latest.current(typeof message.reason === 'string' ? message.reason : '');
    });
  }, [active]);
}
