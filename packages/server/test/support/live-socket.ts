import WebSocket from 'ws';

export interface LiveSocket {
  socket: WebSocket;
  /** Every message received so far, parsed. */
  messages: { type: string; event?: string; data?: Record<string, unknown> }[];
  /** Resolves with the time (ms) the server closed the socket. */
  closed: Promise<number>;
}

/** A device's live channel (GET /api/sync/socket), as a test sees it. */
export async function connectLive(url: string, token: string): Promise<LiveSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/sync/socket?access_token=${token}`);
  const messages: LiveSocket['messages'] = [];
  socket.on('message', (d: Buffer) =>
    messages.push(JSON.parse(d.toString('utf8')) as LiveSocket['messages'][number]),
  );
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, closed };
}
