// A photo shared in through an album shows whose it is and the uploading device's name, as the album does; where
// the owner uploaded it from and the device's serial stay the owner's (as its provenance already answered).
// Regression: every photo route and the sync feed and snapshot sent them to album members.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Album, Photo, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  createAccount,
  deviceDescription,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

const LONDON = '81.2.69.160';
const photoBytes = fs.readFileSync(corpusFile('cameras/gopro-hero6-8x8.jpg'));

describe.each(DIALECTS)('a photo shared in through an album, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let member: SignedIn;
  let photoId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    await createAccount(server.url, 'owner@example.com');
    owner = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('home phone', { serial: 'SN-OWNER-PHONE-1' }),
      LONDON,
    );
    member = await userSession(server.url, owner.client, 'member@example.com');
    photoId = (await owner.client.uploadOk(photoBytes)).id;
    const album = (await owner.client.post<Album>('/api/albums', { name: 'Family' })).body;
    await owner.client.post(`/api/albums/${album.id}/photos`, { photoIds: [photoId] });
    const shared = await owner.client.post(`/api/albums/${album.id}/members`, {
      email: 'member@example.com',
      role: 'view',
    });
    expect(shared.status).toBe(201);
  });
  afterAll(() => server.close());

  const hidden = { ip: null, place: null, deviceSerial: null };

  it('keeps the upload place, IP and serial for the owner', async () => {
    const mine = await owner.client.get<Photo>(`/api/photos/${photoId}`);
    expect(mine.body.upload).toMatchObject({ ip: LONDON, deviceSerial: 'SN-OWNER-PHONE-1' });
    expect(mine.body.upload.place?.label).toContain('London');
  });

  it('shows a member whose photo it is and from which device, but not where from', async () => {
    const theirs = await member.client.get<Photo>(`/api/photos/${photoId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.upload).toMatchObject({
      accountId: owner.account.id,
      deviceName: 'home phone',
      ...hidden,
    });
  });

  it("leaves them out of the member's change feed and snapshot", async () => {
    const page = await member.client.get<SyncChangesPage>('/api/sync/changes?limit=100');
    const change = page.body.changes.find((c) => c.entityId === photoId);
    expect(change?.photo?.upload).toMatchObject({ accountId: owner.account.id, ...hidden });

    const reply = await member.client.get<Buffer>('/api/sync/snapshot');
    const lines = reply.body
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SnapshotLine);
    const line = lines.find((l) => l.type === 'photo' && l.photo.id === photoId);
    expect(line?.type === 'photo' && line.photo.upload).toMatchObject({
      accountId: owner.account.id,
      ...hidden,
    });
  });
});
