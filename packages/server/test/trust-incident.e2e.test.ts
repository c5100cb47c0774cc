// The incident Shoebox is built around, replayed as one story through the real HTTP API: the owner's trusted
// phone, a stranger's phone signing in with the owner's leaked password from another city, and what the owner
// sees and can do about it. Each step would have failed in the vendor's system the story comes from.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { startSmtp } from './support/smtp.ts';
import { connectLive, type LiveSocket } from './support/live-socket.ts';
import { corpusFile } from './support/corpus.ts';
import { DIALECTS } from './support/databases.ts';
import type { Photo } from '@shoebox/shared';
import {
  adminSession,
  allPhotos,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from './support/api.ts';

const OWNER = 'owner@example.com';
/** An address in Shenzhen, Guangdong (the owner's own devices sign in from the local network). */
const STRANGER_IP = '210.39.1.1';
/** What the stranger's phone tries to add: a picture that must never reach the owner's library. */
const STRANGER_FILE = 'phones/apple-iphone7-8x8.jpg';

describe.each(DIALECTS)('a stranger with the leaked password (%s)', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let phone: SignedIn;
  let live: LiveSocket;
  let ownPhotoId: string;
  /** Every device id the stranger's phone was given, so the owner's new phone can look for its traces. */
  const strangerDevices: string[] = [];

  const photoCount = async () =>
    (await phone.client.get<{ items: unknown[] }>('/api/photos?limit=100')).body.items.length;
  const strangerSignsIn = async (name: string) => {
    const signedIn = await signIn(
      server.url,
      OWNER,
      deviceDescription(name, { model: 'M2012K11AC' }),
      STRANGER_IP,
    );
    strangerDevices.push(signedIn.deviceId);
    return signedIn;
  };
  const requestFor = async (deviceId: string) => {
    const list = await phone.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = list.body.items.find((r) => r.device.id === deviceId);
    if (!request) throw new Error(`no enrolment request for ${deviceId}`);
    return request.id;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    phone = await adminSession(server.url, OWNER);
    live = await connectLive(server.url, phone.response.token);
    ownPhotoId = (await phone.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id;
  });
  afterAll(async () => {
    live.socket.close();
    await server.close();
    await smtp.close();
  });

  it('keeps the waiting phone out of the library, tells the owner at once with the place, and a refusal leaves nothing', async () => {
    const stranger = await strangerSignsIn('Redmi K40');
    expect(stranger.response.device.status).toBe('pending');

    // It can neither see nor add anything while it waits.
    for (const path of ['/api/photos', '/api/timeline', '/api/sync/changes', `/api/photos/${ownPhotoId}`])
      expect((await stranger.client.get(path)).status).toBe(403);
    expect((await stranger.client.upload(corpusFile(STRANGER_FILE))).status).toBe(403);

    // The owner's trusted phone hears of it live, with where it is.
    const notice = await eventually(
      () =>
        Promise.resolve(
          live.messages.find(
            (m) => m.event === 'enrolment.requested' && JSON.stringify(m).includes(stranger.deviceId),
          ),
        ),
      10_000,
      'the live approval request',
    );
    expect(JSON.stringify(notice)).toMatch(/Guangdong/);
    expect(JSON.stringify(notice)).toContain(STRANGER_IP);

    // And by e-mail, with the device, the place, the address and a way to say it was not them.
    const mail = await eventually(
      () => Promise.resolve(smtp.inbox.find((m) => m.to.includes(OWNER) && m.text.includes('Redmi K40'))),
      15_000,
      'the e-mail notice',
    );
    expect(mail.text).toContain(STRANGER_IP);
    expect(mail.text).toMatch(/Guangdong/);
    expect(mail.text).toMatch(/not-me\?token=/);

    // The owner refuses; the stranger's phone is out and the library is exactly as before.
    const denied = await phone.client.post(`/api/enrolments/${await requestFor(stranger.deviceId)}/deny`);
    expect(denied.status).toBe(200);
    expect([401, 403]).toContain((await stranger.client.get('/api/photos')).status);
    expect(await photoCount()).toBe(1);
  });

  it('cuts a phone that was let in and then removed off within a second', async () => {
    const stranger = await strangerSignsIn('Redmi K40 (again)');
    expect(stranger.response.device.status).toBe('pending');
    const allowed = await phone.client.post<{ code: string }>(
      `/api/enrolments/${await requestFor(stranger.deviceId)}/allow`,
    );
    expect(allowed.status).toBe(200);
    const done = await stranger.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect(done.status).toBe(200);
    expect((await stranger.client.get('/api/photos')).status).toBe(200);

    const strangerLive = await connectLive(server.url, stranger.response.token);
    const removedAt = Date.now();
    expect((await phone.client.call('DELETE', `/api/devices/${stranger.deviceId}`)).status).toBe(200);
    const closedAt = await strangerLive.closed;
    const refused = await stranger.client.get('/api/photos');
    const refusedAt = Date.now();
    // The figure the issue asks for (how fast a removed device loses access), printed for its report.
    console.log(
      `removed device on ${dialect}: live socket closed ${closedAt - removedAt} ms after the removal; ` +
        `its next request refused (${refused.status}) ${refusedAt - removedAt} ms after it`,
    );
    expect(closedAt - removedAt).toBeLessThan(1000);
    expect(refused.status).toBe(401);
    expect((await stranger.client.upload(corpusFile(STRANGER_FILE))).status).toBe(401);
    expect(await photoCount()).toBe(1);
  });

  it("lets the owner's new phone in only once the trusted phone approves it, and it sees the owner's photos alone", async () => {
    // Signed in from home, like the owner's other phone: new to the account, so it waits all the same.
    const newPhone = await signIn(server.url, OWNER, deviceDescription('iPhone 15', { model: 'A3090' }));
    expect(newPhone.response.device.status).toBe('pending');
    for (const path of ['/api/photos', '/api/timeline', '/api/sync/changes', `/api/photos/${ownPhotoId}`])
      expect((await newPhone.client.get(path)).status, path).toBe(403);

    // The trusted phone is asked live, as for the stranger, and lets it in with the 6-digit code.
    await eventually(
      () =>
        Promise.resolve(
          live.messages.find(
            (m) => m.event === 'enrolment.requested' && JSON.stringify(m).includes(newPhone.deviceId),
          ),
        ),
      10_000,
      "the live approval request for the owner's new phone",
    );
    const allowed = await phone.client.post<{ code: string }>(
      `/api/enrolments/${await requestFor(newPhone.deviceId)}/allow`,
    );
    expect(allowed.status).toBe(200);
    expect(allowed.body.code).toMatch(/^\d{6}$/);
    // Still shut out between the approval and the code being typed on it.
    expect((await newPhone.client.get('/api/photos')).status).toBe(403);
    const done = await newPhone.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect(done.status).toBe(200);

    // The owner's library, and nothing of the stranger's phone: neither its device nor the file it tried to add.
    const library: Photo[] = await allPhotos(newPhone.client);
    expect(library.map((p) => p.id)).toEqual([ownPhotoId]);
    expect(strangerDevices).toHaveLength(2);
    for (const p of library) expect(strangerDevices).not.toContain(p.upload.deviceId);
    const strangerSha = createHash('sha256')
      .update(fs.readFileSync(corpusFile(STRANGER_FILE)))
      .digest('hex');
    expect(library.map((p) => p.sha256)).not.toContain(strangerSha);
    const trashed = await allPhotos(newPhone.client, 'trashed');
    expect(trashed).toEqual([]);
    const own = await newPhone.client.get<Photo>(`/api/photos/${ownPhotoId}`);
    expect(own.status).toBe(200);
    expect(own.body.upload.deviceId).toBe(phone.deviceId);
  });
});
