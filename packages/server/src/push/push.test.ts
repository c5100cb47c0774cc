import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Photo, PushMessage } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import {
  startTestServer,
  startTwoInstances,
  type TestServer,
  type TwoInstances,
} from '../../test/support/test-server.ts';
import { adminSession, approvedDevice, eventually, signIn, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

const base = fs.readFileSync(corpusFile('phones/xiaomi-mi9t.jpg'));
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);

interface Live {
  socket: WebSocket;
  messages: PushMessage[];
  closed: Promise<{ code: number; at: number }>;
  next(type: PushMessage['type'], after?: number): Promise<PushMessage>;
}

async function connect(url: string, token: string): Promise<Live> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/sync/socket?access_token=${token}`);
  const messages: PushMessage[] = [];
  socket.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8')) as PushMessage));
  const closed = new Promise<{ code: number; at: number }>((resolve) =>
    socket.on('close', (code) => resolve({ code, at: Date.now() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (type: PushMessage['type'], after = 0) =>
    eventually(
      async () => Promise.resolve(messages.slice(after).find((m) => m.type === type)),
      5000,
      `a ${type} message`,
    );
  await next('hello');
  return { socket, messages, closed, next };
}

describe.each(DIALECTS)('live push on %s', (dialect) => {
  let server: TestServer;
  let phone: SignedIn;
  let laptop: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    phone = await adminSession(server.url, 'live@example.com');
    laptop = await approvedDevice(server.url, phone.client, 'live@example.com', 'laptop');
  });
  afterAll(() => server.close());

  it('tells other devices that the feed moved, within a fraction of a second', async () => {
    const live = await connect(server.url, laptop.response.token);
    const mark = live.messages.length;
    const started = Date.now();
    await phone.client.uploadOk(photoBytes());
    const hint = await live.next('feed', mark);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hint).toMatchObject({ type: 'feed' });
    live.socket.close();
  });

  it('hands a new upload over in the hint itself, as the feed carries it; other changes stay plain hints', async () => {
    const live = await connect(server.url, laptop.response.token);
    const mark = live.messages.length;
    const uploaded = await phone.client.uploadOk(photoBytes());
    // Exactly the photo the feed will carry: a device may fetch it before it reads the page.
    const hint = await live.next('feed', mark);
    expect(hint).toMatchObject({ type: 'feed', photo: uploaded });
    const page = await laptop.client.call<{ changes: { photo?: Photo }[] }>(
      'GET',
      `/api/sync/changes?cursor=${encodeURIComponent((live.messages[0] as { cursor: string }).cursor)}`,
    );
    const inFeed = page.body.changes.find((c) => c.photo?.id === uploaded.id)?.photo;
    // The same, but for the thumbnail's progress, which may have moved on since.
    const hinted = (hint as { photo: Photo }).photo;
    expect(inFeed && { ...inFeed, media: hinted.media }).toEqual(hinted);
    // A change that is not a new upload (a trash) is still a plain hint.
    const after = live.messages.length;
    await phone.client.call('POST', `/api/photos/${uploaded.id}/trash`);
    const plain = await live.next('feed', after);
    expect(plain).not.toHaveProperty('photo');
    live.socket.close();
  });

  it('answers messages it does not understand without dropping the connection', async () => {
    const live = await connect(server.url, laptop.response.token);
    const mark = live.messages.length;
    live.socket.send('not json at all');
    expect(await live.next('error', mark)).toMatchObject({ code: 'unknown_message' });
    live.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await live.next('pong', mark)).toEqual({ type: 'pong' });
    live.socket.close();
  });

  it('refuses a socket without a valid session, with a problem document that names the code', async () => {
    for (const query of ['?access_token=nope', '']) {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/sync/socket${query}`);
      const refused = await new Promise<{ status: number; type: string; body: string }>((resolve) =>
        socket.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
          );
        }),
      );
      expect(refused.status).toBe(401);
      expect(refused.type).toBe('application/problem+json');
      expect(JSON.parse(refused.body)).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
  });

  it('closes a removed device’s socket within 1 s, and its token stops working', async () => {
    const tablet = await approvedDevice(server.url, phone.client, 'live@example.com', 'tablet');
    const live = await connect(server.url, tablet.response.token);
    const removedAt = Date.now();
    expect((await phone.client.call('DELETE', `/api/devices/${tablet.deviceId}`)).status).toBe(200);
    const { code, at } = await live.closed;
    expect(code).toBe(4001);
    expect(at - removedAt).toBeLessThan(1000);
    expect(live.messages.some((m) => m.type === 'signed-out')).toBe(true);
    expect((await tablet.client.get('/api/photos')).status).toBe(401);
  });

  it('delivers approval requests to trusted devices live', async () => {
    const live = await connect(server.url, phone.response.token);
    const mark = live.messages.length;
    const stranger = await signIn(server.url, 'live@example.com');
    const message = await live.next('device', mark);
    expect(message).toMatchObject({ type: 'device', event: 'enrolment.requested' });
    expect(JSON.stringify(message)).toContain(stranger.deviceId);
    live.socket.close();
  });
});

describe('two server instances on one PostgreSQL database', () => {
  let pair: TwoInstances;
  let one: TestServer;
  let two: TestServer;
  beforeAll(async () => {
    pair = await startTwoInstances();
    ({ one, two } = pair);
  });
  afterAll(() => pair.close());

  it('pushes a change committed through one instance to devices connected to the other', async () => {
    const phone = await adminSession(one.url, 'cluster@example.com');
    const laptop = await approvedDevice(two.url, phone.client, 'cluster@example.com', 'laptop');
    const live = await connect(two.url, laptop.response.token);
    const mark = live.messages.length;
    const uploaded = await phone.client.uploadOk(photoBytes());
    // The new photo crosses instances inside the hint (PostgreSQL NOTIFY), as the feed would carry it.
    expect(await live.next('feed', mark)).toMatchObject({ type: 'feed', photo: uploaded });

    // Removing the device through instance one closes its socket on instance two.
    const removedAt = Date.now();
    await phone.client.call('DELETE', `/api/devices/${laptop.deviceId}`);
    const { at } = await live.closed;
    expect(at - removedAt).toBeLessThan(1000);
  });
});
