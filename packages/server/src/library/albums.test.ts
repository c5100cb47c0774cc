import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Album, Photo } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  distinctCopy,
  expectProblem,
  mapLimit,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

interface AlbumPhotos {
  photoIds: string[];
}

describe.each(DIALECTS)('albums on %s', (dialect) => {
  let server: TestServer;
  let a: SignedIn;
  let b: SignedIn;
  /** A's photos, newest capture first (the files' dates are 2017, 2003, 2001). */
  let photos: Photo[];
  let bPhoto: Photo;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    a = await adminSession(server.url, 'a@example.com');
    b = await userSession(server.url, a.client, 'b@example.com');
    photos = await mapLimit(
      ['cameras/gopro-hero6-8x8.jpg', 'cameras/sony-dsc-f828-8x8.jpg', 'cameras/nikon-e775-8x8.jpg'],
      3,
      (file) => a.client.uploadOk(corpusFile(file)),
    );
    bPhoto = await b.client.uploadOk(corpusFile('cameras/olympus-c2000z-8x8.jpg'));
  });
  afterAll(() => server.close());

  const ids = (...indexes: number[]) => indexes.map((i) => photos[i]?.id ?? '');

  async function create(client: TestClient, name: string): Promise<Album> {
    const reply = await client.post<Album>('/api/albums', { name });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  async function albumPhotos(album: Album): Promise<string[]> {
    const reply = await a.client.get<AlbumPhotos>(`/api/albums/${album.id}/photos`);
    expect(reply.status).toBe(200);
    return reply.body.photoIds;
  }

  it('creates, lists by name, gets and renames albums', async () => {
    const summer = await create(a.client, '  Summer  ');
    expect(summer).toMatchObject({ name: 'Summer', photoCount: 0 });
    expect(summer.createdAt).toBe(summer.updatedAt);
    const autumn = await create(a.client, 'Autumn');
    await create(b.client, 'Not yours');

    const list = await a.client.get<{ items: Album[] }>('/api/albums');
    expect(list.body.items.map((x) => x.name)).toEqual(['Autumn', 'Summer']);
    expect((await a.client.get<Album>(`/api/albums/${summer.id}`)).body).toEqual(summer);

    const renamed = await a.client.call<Album>('PATCH', `/api/albums/${autumn.id}`, { name: 'Fall' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: autumn.id, name: 'Fall', createdAt: autumn.createdAt });
    expect((await a.client.get<Album>(`/api/albums/${autumn.id}`)).body.name).toBe('Fall');

    expectProblem(await a.client.post('/api/albums', { name: '   ' }), 400, 'validation_failed');
    expectProblem(await a.client.post('/api/albums', { name: 'x'.repeat(201) }), 400, 'validation_failed');
    expectProblem(await a.client.call('PATCH', `/api/albums/${autumn.id}`, {}), 400, 'validation_failed');
  });

  it('adds and removes photos, counting only real changes', async () => {
    const album = await create(a.client, 'Counting');
    const added = await a.client.post<{ changed: number; album: Album }>(`/api/albums/${album.id}/photos`, {
      photoIds: ids(2, 0, 2),
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ changed: 2, album: { id: album.id, photoCount: 2 } });
    // Listed in timeline order, whatever the order they were added in.
    expect(await albumPhotos(album)).toEqual(ids(0, 2));

    const again = await a.client.post<{ changed: number; album: Album }>(`/api/albums/${album.id}/photos`, {
      photoIds: ids(0, 1),
    });
    expect(again.body).toMatchObject({ changed: 1, album: { photoCount: 3 } });
    expect(await albumPhotos(album)).toEqual(ids(0, 1, 2));

    const removed = await a.client.call<{ changed: number; album: Album }>(
      'DELETE',
      `/api/albums/${album.id}/photos`,
      { photoIds: ids(1, 1) },
    );
    expect(removed.body).toMatchObject({ changed: 1, album: { photoCount: 2 } });
    const absent = await a.client.call<{ changed: number }>('DELETE', `/api/albums/${album.id}/photos`, {
      photoIds: ids(1),
    });
    expect(absent.body.changed).toBe(0);
    expect(await albumPhotos(album)).toEqual(ids(0, 2));
    expect((await a.client.get<Album>(`/api/albums/${album.id}`)).body.photoCount).toBe(2);
    expectProblem(
      await a.client.post(`/api/albums/${album.id}/photos`, { photoIds: [] }),
      400,
      'validation_failed',
    );
  });

  it("refuses a photo that is not the account's with 404, and adds nothing of that request", async () => {
    const album = await create(a.client, 'Guarded');
    for (const foreign of [bPhoto.id, '01a22222-0000-7000-8000-000000000000']) {
      const reply = await a.client.post(`/api/albums/${album.id}/photos`, { photoIds: [...ids(0), foreign] });
      expect(expectProblem(reply, 404, 'not_found').detail).toContain(foreign);
    }
    expect(await albumPhotos(album)).toEqual([]);
    // Nor may B put A's photo into B's own album.
    const theirs = await create(b.client, 'Theirs');
    expectProblem(
      await b.client.post(`/api/albums/${theirs.id}/photos`, { photoIds: ids(0) }),
      404,
      'not_found',
    );
    expect((await b.client.get<AlbumPhotos>(`/api/albums/${theirs.id}/photos`)).body.photoIds).toEqual([]);
  });

  it('deletes an album and keeps its photos', async () => {
    const album = await create(a.client, 'Short-lived');
    await a.client.post(`/api/albums/${album.id}/photos`, { photoIds: ids(0, 1) });
    expect((await a.client.call('DELETE', `/api/albums/${album.id}`)).status).toBe(204);
    expectProblem(await a.client.get(`/api/albums/${album.id}`), 404, 'not_found');
    expectProblem(await a.client.call('DELETE', `/api/albums/${album.id}`), 404, 'not_found');
    expect((await a.client.get<{ items: Album[] }>('/api/albums')).body.items.map((x) => x.id)).not.toContain(
      album.id,
    );
    for (const id of ids(0, 1))
      expect((await a.client.get<Photo>(`/api/photos/${id}`)).body.status).toBe('active');
  });

  it('hides trashed photos from the album until they are restored (regression: listed but not counted)', async () => {
    const album = await create(a.client, 'With trash');
    await a.client.post(`/api/albums/${album.id}/photos`, { photoIds: ids(0, 1) });
    await a.client.post(`/api/photos/${ids(0)[0]}/trash`);
    expect(await albumPhotos(album)).toEqual(ids(1));
    expect((await a.client.get<Album>(`/api/albums/${album.id}`)).body.photoCount).toBe(1);

    await a.client.post(`/api/photos/${ids(0)[0]}/restore`);
    expect(await albumPhotos(album)).toEqual(ids(0, 1));
    expect((await a.client.get<Album>(`/api/albums/${album.id}`)).body.photoCount).toBe(2);
  });

  it('drops a permanently deleted photo from every album', async () => {
    const doomed = await a.client.uploadOk(distinctCopy(corpusFile('cameras/gopro-hero6-8x8.jpg'), 'doomed'));
    const first = await create(a.client, 'First');
    const second = await create(a.client, 'Second');
    for (const album of [first, second])
      await a.client.post(`/api/albums/${album.id}/photos`, { photoIds: [doomed.id, ...ids(2)] });
    expect((await a.client.call('DELETE', `/api/photos/${doomed.id}`)).status).toBe(204);
    for (const album of [first, second]) {
      expect(await albumPhotos(album)).toEqual(ids(2));
      expect((await a.client.get<Album>(`/api/albums/${album.id}`)).body.photoCount).toBe(1);
    }
  });
});
