import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Album, Photo, PhotoPage } from '@shoebox/shared';
import { PREVIEW_LONG_SIDE, THUMBNAIL_HEIGHT, THUMBNAIL_MAX_WIDTH } from '../adapters/media/index.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { derivativeKey, originalKey } from '../adapters/blobs/blob-store.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  allPhotos,
  distinctCopy,
  expectProblem,
  jobsIdle,
  mapLimit,
  mediaSettled,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';

interface AlbumPhotos {
  photoIds: string[];
}
import { corpusFile } from '../../test/support/corpus.ts';

/** Tiny camera files with different capture dates: cheap to upload and to render. */
const TIMELINE = [
  'cameras/olympus-c2000z-8x8.jpg',
  'cameras/fujifilm-finepix2400-8x8.jpg',
  'cameras/nikon-e775-8x8.jpg',
  'cameras/canon-eos-digital-rebel-8x8.jpg',
  'cameras/sony-dsc-f828-8x8.jpg',
  'cameras/ricoh-caplio-pro-g3-gps-8x8.jpg',
  'phones/apple-iphone7-8x8.jpg',
  'cameras/gopro-hero6-8x8.jpg',
  'tricky/wwl-ion230-date-in-2026.jpg',
  'orientation/tiny-f1t.jpg',
];

/** Newest first; equal times in descending id order (the server's documented order). */
function timelineOrder(photos: Photo[]): string[] {
  return [...photos]
    .sort(
      (x, y) => Date.parse(y.sortTime) - Date.parse(x.sortTime) || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0),
    )
    .map((p) => p.id);
}

/** Width and height from a JPEG's frame header. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.readUInt16BE(0)).toBe(0xffd8);
  for (let at = 2; at + 9 < bytes.length; at += 2 + bytes.readUInt16BE(at + 2)) {
    const marker = bytes.readUInt16BE(at);
    const isFrame = marker >= 0xffc0 && marker <= 0xffcf && ![0xffc4, 0xffc8, 0xffcc].includes(marker);
    if (isFrame) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
  }
  throw new Error('no JPEG frame header');
}

describe.each(DIALECTS)('the library on %s', (dialect) => {
  let server: TestServer;
  let a: SignedIn;
  let b: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    a = await adminSession(server.url, 'a@example.com');
    b = await userSession(server.url, a.client, 'b@example.com');
  });
  afterAll(() => server.close());

  // Through the blob store, so the same checks hold for the local folder and for S3 (pair profile).
  const stored = (keys: readonly string[]) =>
    Promise.all(keys.map(async (key) => (await server.blobs.size(key)) !== null));

  describe('timeline', () => {
    beforeAll(async () => {
      await mapLimit(TIMELINE, 4, (file) => a.client.uploadOk(corpusFile(file)));
      // Three copies with the very same capture time: their order comes from the id alone.
      for (const tie of ['tie-1', 'tie-2', 'tie-3'])
        await a.client.uploadOk(distinctCopy(corpusFile('cameras/gopro-hero6-8x8.jpg'), tie));
    });

    it('pages newest capture time first, with ties in id order and a cursor until the end', async () => {
      const whole = await a.client.get<PhotoPage>('/api/photos?limit=1000');
      expect(whole.body.items).toHaveLength(TIMELINE.length + 3);
      expect(whole.body.nextCursor).toBeNull();
      expect(whole.body.items.map((p) => p.id)).toEqual(timelineOrder(whole.body.items));
      // A file without a date takes its place in the timeline from the time it was uploaded.
      const undated = whole.body.items.filter((p) => p.captureTime === null);
      expect(undated).toHaveLength(1);
      expect(undated[0]?.sortTime).toBe(undated[0]?.upload.uploadedAt);

      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const page: { body: PhotoPage } = await a.client.get<PhotoPage>(`/api/photos?limit=3${query}`);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        paged.push(...page.body.items.map((p) => p.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(whole.body.items.map((p) => p.id));
    });

    it('never repeats or skips a photo while another client uploads during paging', async () => {
      const before = (await allPhotos(a.client)).map((p) => p.id);
      const other = new TestClient(server.url, a.client.token);
      // Newer, older and equal capture times than the pages being read, arriving between and during page reads.
      const arriving = [
        'orientation/tiny-f2t.jpg',
        'cameras/olympus-c2000z-8x8.jpg',
        'cameras/gopro-hero6-8x8.jpg',
        'tricky/wwl-ion230-date-in-2026.jpg',
        'cameras/nikon-e775-8x8.jpg',
        'phones/apple-iphone7-8x8.jpg',
        'cameras/sony-dsc-f828-8x8.jpg',
        'orientation/tiny-f3t.jpg',
      ].map((file, i) => distinctCopy(corpusFile(file), `concurrent-${i}`));

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const upload = arriving[pages];
        const [page] = await Promise.all([
          a.client.get<PhotoPage>(`/api/photos?limit=2${query}`),
          upload ? other.uploadOk(upload) : Promise.resolve(null),
        ]);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((p) => p.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      // Fewer pages than arrivals only if the timing put every arrival behind the cursor; send the rest anyway.
      for (const late of arriving.slice(pages)) await other.uploadOk(late);

      expect(pages).toBeGreaterThanOrEqual(Math.ceil(before.length / 2));
      expect(new Set(seen).size).toBe(seen.length);
      expect(before.filter((id) => !seen.includes(id))).toEqual([]);
      expect(await allPhotos(a.client)).toHaveLength(before.length + arriving.length);
    });

    it('refuses a cursor it did not give out (regression: forged numbers were a 500 on PostgreSQL)', async () => {
      const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const cursor of [
        'not-a-cursor!',
        forge({ sortTime: 1, id: 'x' }),
        forge([1.5, 'x']),
        forge([1e300, 'x']),
        forge(['1', 'x']),
        forge([1, 2]),
        forge([1, '']),
        forge([1, 'x'.repeat(65)]),
      ]) {
        expectProblem(await a.client.get(`/api/photos?cursor=${cursor}`), 400, 'invalid_cursor');
      }
      // A cursor the server did give out may name a position before 1970.
      expect((await a.client.get(`/api/photos?cursor=${forge([-1, 'x'])}`)).status).toBe(200);
      for (const query of ['limit=0', 'limit=1001', 'status=deleted', `cursor=${'a'.repeat(501)}`]) {
        expectProblem(await a.client.get(`/api/photos?${query}`), 400, 'validation_failed');
      }
    });
  });

  describe('downloads', () => {
    let photo: Photo;
    let bytes: Buffer;

    beforeAll(async () => {
      bytes = fs.readFileSync(corpusFile('cameras/canon-eos-r5.jpg'));
      photo = await a.client.uploadOk(bytes, { 'x-shoebox-file-name': 'falcon.jpg' });
    });

    it('serves the original with a strong ETag, cached as immutable', async () => {
      const reply = await a.client.get(`/api/photos/${photo.id}/original`);
      expect(reply.status).toBe(200);
      expect(Buffer.compare(reply.body as Buffer, bytes)).toBe(0);
      expect(Object.fromEntries(reply.headers)).toMatchObject({
        'content-type': 'image/jpeg',
        'content-length': String(bytes.length),
        etag: `"${photo.sha256}"`,
        'accept-ranges': 'bytes',
        'content-disposition': "inline; filename*=UTF-8''falcon.jpg",
      });
      expect(reply.headers.get('cache-control')).toMatch(/(^|, )immutable(,|$)/);
      expect(reply.headers.get('cache-control')).toMatch(/max-age=31536000/);
    });

    it('answers If-None-Match with 304 only for its own ETag', async () => {
      const etag = `"${photo.sha256}"`;
      const notModified = await a.client.get(`/api/photos/${photo.id}/original`, { 'if-none-match': etag });
      expect(notModified.status).toBe(304);
      expect((notModified.body as Buffer).length).toBe(0);
      expect(notModified.headers.get('etag')).toBe(etag);
      const listed = await a.client.get(`/api/photos/${photo.id}/original`, {
        'if-none-match': `"other", ${etag}`,
      });
      expect(listed.status).toBe(304);
      const changed = await a.client.get(`/api/photos/${photo.id}/original`, { 'if-none-match': '"other"' });
      expect(changed.status).toBe(200);
    });

    it.each([
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, -1],
      ['bytes=-500', -500, -1],
      ['bytes=-999999999', 0, -1],
      ['bytes=100-99999999', 100, -1],
      ['bytes=183724-183724', 183724, 183724],
    ])('answers Range %s with 206 and exactly those bytes', async (range, from, to) => {
      const start = from < 0 ? bytes.length + from : from;
      const end = to < 0 ? bytes.length - 1 : to;
      const reply = await a.client.get(`/api/photos/${photo.id}/original`, { range });
      expect(reply.status).toBe(206);
      expect(reply.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
      expect(reply.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.compare(reply.body as Buffer, bytes.subarray(start, end + 1))).toBe(0);
    });

    it.each(['bytes=183725-', 'bytes=999999-', 'bytes=-0'])('refuses Range %s with 416', async (range) => {
      expectProblem(
        await a.client.get(`/api/photos/${photo.id}/original`, { range }),
        416,
        'range_not_satisfiable',
      );
    });

    it('offers the original as an attachment on request', async () => {
      const reply = await a.client.get(`/api/photos/${photo.id}/original?download=1`);
      expect(reply.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''falcon.jpg");
    });

    it('404s for an id that does not exist, on every variant', async () => {
      for (const variant of ['', '/original', '/preview', '/thumbnail']) {
        expectProblem(
          await a.client.get(`/api/photos/01a22222-0000-7000-8000-000000000000${variant}`),
          404,
          'not_found',
        );
      }
    });
  });

  describe('thumbnails and previews', () => {
    const FORMATS = [
      'orientation/landscape_6.jpg',
      'png/canon-powershot-s40-exif-gps.png',
      'webp/photo-noexif.webp',
      'avif/olympus-e-pl8.avif',
      'heic/libheif-example-noexif.heic',
    ];
    const photos = new Map<string, Photo>();

    beforeAll(async () => {
      for (const file of FORMATS) photos.set(file, await a.client.uploadOk(corpusFile(file)));
      const settled = await mediaSettled(a.client, 60_000);
      for (const [file, uploaded] of photos)
        photos.set(file, settled.find((p) => p.id === uploaded.id) ?? uploaded);
    });

    it.each(FORMATS)('%s gets a JPEG thumbnail and preview, cached by ETag', async (file) => {
      const photo = photos.get(file);
      expect(photo?.media).toMatchObject({ state: 'ready', note: null });
      for (const variant of ['thumbnail', 'preview'] as const) {
        const reply = await a.client.get(`/api/photos/${photo?.id}/${variant}`);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toBe('image/jpeg');
        const etag = `"${photo?.sha256}-${variant}"`;
        expect(reply.headers.get('etag')).toBe(etag);
        expect(reply.headers.get('cache-control')).toMatch(/immutable/);
        const size = jpegSize(reply.body as Buffer);
        if (variant === 'thumbnail') {
          expect(size.height).toBeLessThanOrEqual(THUMBNAIL_HEIGHT);
          expect(size.width).toBeLessThanOrEqual(THUMBNAIL_MAX_WIDTH);
        } else {
          expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(PREVIEW_LONG_SIDE);
        }
        const again = await a.client.get(`/api/photos/${photo?.id}/${variant}`, { 'if-none-match': etag });
        expect(again.status).toBe(304);
        const head = await a.client.get(`/api/photos/${photo?.id}/${variant}`, { range: 'bytes=0-1' });
        expect(head.body).toEqual(Buffer.from([0xff, 0xd8]));
      }
    });

    it('turns the preview the way the Orientation tag says', async () => {
      // Stored as a 1200x1800 portrait with Orientation 6: a quarter turn makes it the landscape it was shot as.
      const photo = photos.get('orientation/landscape_6.jpg');
      expect(photo).toMatchObject({ width: 1200, height: 1800, orientation: 6 });
      const reply = await a.client.get(`/api/photos/${photo?.id}/preview`);
      expect(jpegSize(reply.body as Buffer)).toEqual({ width: 1440, height: 960 });
    });
  });

  describe('trash and permanent deletion', () => {
    it('trashes and restores idempotently, and hides trashed photos from the timeline', async () => {
      const photo = await a.client.uploadOk(distinctCopy(corpusFile('cameras/nikon-e775-8x8.jpg'), 'trash'));
      const trashed = await a.client.post<Photo>(`/api/photos/${photo.id}/trash`);
      expect(trashed.status).toBe(200);
      expect(trashed.body.status).toBe('trashed');
      expect(Date.parse(trashed.body.trashedAt ?? '')).toBeGreaterThan(0);
      const twice = await a.client.post<Photo>(`/api/photos/${photo.id}/trash`);
      expect(twice.body.trashedAt).toBe(trashed.body.trashedAt);

      expect((await allPhotos(a.client)).map((p) => p.id)).not.toContain(photo.id);
      expect((await allPhotos(a.client, 'trashed')).map((p) => p.id)).toEqual([photo.id]);
      expect((await a.client.get<Photo>(`/api/photos/${photo.id}`)).body.status).toBe('trashed');

      const restored = await a.client.post<Photo>(`/api/photos/${photo.id}/restore`);
      expect(restored.body).toMatchObject({ status: 'active', trashedAt: null });
      expect((await a.client.post<Photo>(`/api/photos/${photo.id}/restore`)).body.status).toBe('active');
      expect((await allPhotos(a.client)).map((p) => p.id)).toContain(photo.id);
      expect(await allPhotos(a.client, 'trashed')).toEqual([]);
    });

    it('removes the bytes from disk only when no photo of any account refers to them', async () => {
      const bytes = distinctCopy(corpusFile('cameras/sony-dsc-f828-8x8.jpg'), 'shared');
      const mine = await a.client.uploadOk(bytes);
      const theirs = await b.client.uploadOk(bytes);
      expect(theirs.sha256).toBe(mine.sha256);
      // Both uploads queued a job for these bytes; a job still running could write derivatives after the delete.
      await jobsIdle(server);
      const files = [
        originalKey(mine.sha256),
        derivativeKey(mine.sha256, 'thumbnail'),
        derivativeKey(mine.sha256, 'preview'),
      ];
      expect(await stored(files)).toEqual([true, true, true]);

      expect((await a.client.call('DELETE', `/api/photos/${mine.id}`)).status).toBe(204);
      expectProblem(await a.client.get(`/api/photos/${mine.id}`), 404, 'not_found');
      expectProblem(await a.client.call('DELETE', `/api/photos/${mine.id}`), 404, 'not_found');
      expect(await stored(files)).toEqual([true, true, true]);
      const stillThere = await b.client.get(`/api/photos/${theirs.id}/original`);
      expect(Buffer.compare(stillThere.body as Buffer, bytes)).toBe(0);

      expect((await b.client.call('DELETE', `/api/photos/${theirs.id}`)).status).toBe(204);
      expect(await stored(files)).toEqual([false, false, false]);
      const blob = await server.database.db
        .selectFrom('blobs')
        .select('sha256')
        .where('sha256', '=', mine.sha256)
        .executeTakeFirst();
      expect(blob).toBeUndefined();
      // The same bytes can come back afterwards, as a new photo with new files.
      const back = await a.client.upload(bytes);
      expect([back.status, back.body.photo.id === mine.id]).toEqual([201, false]);
      expect((await buffer(server.blobs.read(originalKey(mine.sha256)))).equals(bytes)).toBe(true);
    });

    it('empties the trash and nothing else', async () => {
      const kept = await a.client.uploadOk(
        distinctCopy(corpusFile('cameras/olympus-c2000z-8x8.jpg'), 'kept'),
      );
      const doomed = await mapLimit(['x', 'y'], 2, (tag) =>
        a.client.uploadOk(distinctCopy(corpusFile('cameras/olympus-c2000z-8x8.jpg'), `doomed-${tag}`)),
      );
      for (const photo of doomed) await a.client.post(`/api/photos/${photo.id}/trash`);
      const theirs = await b.client.uploadOk(
        distinctCopy(corpusFile('cameras/olympus-c2000z-8x8.jpg'), 'b-trash'),
      );
      await b.client.post(`/api/photos/${theirs.id}/trash`);
      const activeBefore = (await allPhotos(a.client)).map((p) => p.id);

      const emptied = await a.client.post<{ deleted: number }>('/api/trash/empty');
      expect(emptied.body).toEqual({ deleted: 2 });
      expect(await allPhotos(a.client, 'trashed')).toEqual([]);
      expect((await allPhotos(a.client)).map((p) => p.id)).toEqual(activeBefore);
      expect(activeBefore).toContain(kept.id);
      // Emptying deletes the bytes before it answers.
      expect(await stored(doomed.map((p) => originalKey(p.sha256)))).toEqual([false, false]);
      // Another account's trash is its own business.
      expect((await allPhotos(b.client, 'trashed')).map((p) => p.id)).toEqual([theirs.id]);
      expect((await a.client.post<{ deleted: number }>('/api/trash/empty')).body).toEqual({ deleted: 0 });
    });
  });

  describe('albums', () => {
    /** A's photos, newest capture first (the files' dates are 2017, 2003, 2001). */
    let photos: Photo[];
    let bPhoto: Photo;

    beforeAll(async () => {
      photos = await mapLimit(
        ['cameras/gopro-hero6-8x8.jpg', 'cameras/sony-dsc-f828-8x8.jpg', 'cameras/nikon-e775-8x8.jpg'],
        3,
        (file) => a.client.uploadOk(corpusFile(file)),
      );
      bPhoto = await b.client.uploadOk(corpusFile('cameras/olympus-c2000z-8x8.jpg'));
    });

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
        const reply = await a.client.post(`/api/albums/${album.id}/photos`, {
          photoIds: [...ids(0), foreign],
        });
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
      expect(
        (await a.client.get<{ items: Album[] }>('/api/albums')).body.items.map((x) => x.id),
      ).not.toContain(album.id);
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
      const doomed = await a.client.uploadOk(
        distinctCopy(corpusFile('cameras/gopro-hero6-8x8.jpg'), 'doomed'),
      );
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
});
