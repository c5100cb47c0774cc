import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Messages every server instance must see: a change committed through one instance must reach devices connected
 * to another. On PostgreSQL this is LISTEN/NOTIFY (no extra service); on SQLite there is only one instance.
 */
export interface ClusterBus {
  publish(message: object): Promise<void>;
  subscribe(listener: (message: unknown) => void): () => void;
  close(): Promise<void>;
}

export function createLocalBus(): ClusterBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(message) {
      // Asynchronous like NOTIFY, so publishers never run subscribers inside their own call stack.
      queueMicrotask(() => emitter.emit('message', message));
      return Promise.resolve();
    },
    subscribe(listener) {
      emitter.on('message', listener);
      return () => emitter.off('message', listener);
    },
    close: () => Promise.resolve(),
  };
}

/** NOTIFY payloads are limited to 8000 bytes; our messages are small hints, never data. */
export async function createPostgresBus(url: string, channel: string): Promise<ClusterBus> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  let closed = false;
  let client: pg.Client | undefined;
  const publisher = new pg.Pool({ connectionString: url, max: 2 });

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel !== channel || !n.payload) return;
      try {
        local.emit('message', JSON.parse(n.payload));
      } catch {
        // a payload that is not ours
      }
    });
    // A lost listener connection would silently stop push; reconnect with backoff.
    c.on('error', () => undefined);
    c.on('end', () => {
      if (!closed) setTimeout(() => void connect().catch(() => undefined), 500);
    });
    await c.connect();
    await c.query(`LISTEN "${channel}"`);
    client = c;
  };
  await connect();

  return {
    async publish(message) {
      await publisher.query('select pg_notify($1, $2)', [channel, JSON.stringify(message)]);
    },
    subscribe(listener) {
      local.on('message', listener);
      return () => local.off('message', listener);
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
      await publisher.end();
    },
  };
}
