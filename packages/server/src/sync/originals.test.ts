import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGINALS_TYPE, type Album, type OriginalHeader } from '@shoebox/shared';
import { originalKey } from '../adapters/blobs/blob-store.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  expectProblem,
  pendingSession,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

const base = fs.readFileSync(corpusFile('phones/xiaomi-mi9t.jpg'));
/** A distinct valid JPEG each call. */
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Splits the framed answer into its headers and bytes, failing on any byte out of place. */
function frames(body: Buffer): { header: OriginalHeader; bytes?: Buffer }[] {
  const out: { header: OriginalHeader; bytes?: Buffer }[] = [];
  for (let at = 0; at < body.length;) {
    const nl = body.indexOf(10, at);
    expect(nl).toBeGreaterThan(at);
    const header = JSON.parse(body.subarray(at, nl).toString('utf8')) as OriginalHeader;
    at = nl + 1;
    if ('size' in header) {
      out.push({ header, bytes: body.subarray(at, at + header.size) });
      at += header.size;
    } else out.push({ header });
  }
  return out;
}

async function originals(client: TestClient, ids: string[]) {
  const reply = await client.post<Buffer>('/api/sync/originals', { ids });
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe(ORIGINALS_TYPE);
  return frames(reply.body);
}

describe.each(DIALECTS)('many originals in one answer on %s', (dialect) => {
  let server: TestServer;
  let alice: SignedIn;
  let laptop: SignedIn;
  let bob: SignedIn;
  const mine: { id: string; bytes: Buffer }[] = [];
  let bobs: { id: string; bytes: Buffer };
  const own = (i: number) => {
    const photo = mine[i];
    if (!photo) throw new Error(`no photo ${i}`);
    return photo;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 1 } });
    alice = await adminSession(server.url, 'alice@example.com');
    laptop = await approvedDevice(server.url, alice.client, 'alice@example.com', 'laptop');
    bob = await userSession(server.url, alice.client, 'bob@example.com');
    for (let i = 0; i < 3; i++) {
      const bytes = photoBytes();
      mine.push({ id: (await alice.client.uploadOk(bytes)).id, bytes });
    }
    const bytes = photoBytes();
    bobs = { id: (await bob.client.uploadOk(bytes)).id, bytes };
  });
  afterAll(() => server.close());

  it('sends each photo asked for, in order, with its SHA-256 and exactly its bytes', async () => {
    const ids = [own(2).id, own(0).id, own(1).id, own(0).id];
    const got = await originals(laptop.client, ids);
    expect(got.map((f) => f.header.id)).toEqual(ids);
    for (const frame of got) {
      const want = (mine.find((m) => m.id === frame.header.id) ?? own(-1)).bytes;
      expect(frame.header).toEqual({ id: frame.header.id, sha256: sha(want), size: want.length });
      expect(frame.bytes?.equals(want)).toBe(true);
    }
  });

  it("answers another account's photo, or no photo, as gone, without a byte of it", async () => {
    const got = await originals(laptop.client, [bobs.id, own(0).id, 'no-such-photo']);
    expect(got.map((f) => f.header)).toEqual([
      { id: bobs.id, error: 'gone' },
      { id: own(0).id, sha256: sha(own(0).bytes), size: own(0).bytes.length },
      { id: 'no-such-photo', error: 'gone' },
    ]);
    const reply = await laptop.client.post<Buffer>('/api/sync/originals', { ids: [bobs.id] });
    expect(reply.body.includes(bobs.bytes.subarray(0, 4096))).toBe(false);
  });

  it('sends a photo shared with the account through an album, and no longer once the share is revoked', async () => {
    const album = (await bob.client.post<Album>('/api/albums', { name: 'Shared' })).body;
    await bob.client.post(`/api/albums/${album.id}/photos`, { photoIds: [bobs.id] });
    expect(
      (await bob.client.post(`/api/albums/${album.id}/members`, { email: 'alice@example.com' })).status,
    ).toBe(201);
    const shared = await originals(laptop.client, [bobs.id]);
    expect(shared[0]?.bytes?.equals(bobs.bytes)).toBe(true);
    // Trashed by its owner: the member's view loses it, as with the single download.
    await bob.client.post(`/api/photos/${bobs.id}/trash`);
    expect((await originals(laptop.client, [bobs.id]))[0]?.header).toEqual({ id: bobs.id, error: 'gone' });
    await bob.client.post(`/api/photos/${bobs.id}/restore`);
    expect((await originals(laptop.client, [bobs.id]))[0]?.bytes?.equals(bobs.bytes)).toBe(true);
    await bob.client.call('DELETE', `/api/albums/${album.id}/members/${alice.account.id}`);
    expect((await originals(laptop.client, [bobs.id]))[0]?.header).toEqual({ id: bobs.id, error: 'gone' });
  });

  it('sends its own trashed photos, as the single download does', async () => {
    await alice.client.post(`/api/photos/${own(1).id}/trash`);
    expect((await originals(laptop.client, [own(1).id]))[0]?.bytes?.equals(own(1).bytes)).toBe(true);
    await alice.client.post(`/api/photos/${own(1).id}/restore`);
  });

  it('says which original the server lost, and still sends the others', async () => {
    const bytes = photoBytes();
    const lost = await alice.client.uploadOk(bytes);
    await server.blobs.delete(originalKey(lost.sha256));
    const got = await originals(laptop.client, [lost.id, own(0).id]);
    expect(got[0]?.header).toEqual({ id: lost.id, error: 'missing' });
    expect(got[1]?.bytes?.equals(own(0).bytes)).toBe(true);
  });

  it('refuses devices not signed in or not trusted, and lists that are empty or too long', async () => {
    const anonymous = alice.client.withToken('');
    expectProblem(await anonymous.post('/api/sync/originals', { ids: [own(0).id] }), 401);
    const pending = await pendingSession(server.url, 'alice@example.com');
    expectProblem(await pending.client.post('/api/sync/originals', { ids: [own(0).id] }), 403);
    expectProblem(await laptop.client.post('/api/sync/originals', { ids: [] }), 400);
    const many = Array.from({ length: 501 }, () => own(0).id);
    expectProblem(await laptop.client.post('/api/sync/originals', { ids: many }), 400);
  });
});
