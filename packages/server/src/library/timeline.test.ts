import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import type { Photo, TimelinePage } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  distinctCopy,
  expectProblem,
  mapLimit,
  mediaSettled,
  pendingSession,
  userSession,
  type Reply,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { timelinePageQuery } from './timeline.store.ts';

/** Tiny files with different capture dates, one without any date, a turned one and a PNG. */
const FILES = [
  'cameras/olympus-c2000z-8x8.jpg',
  'cameras/fujifilm-finepix2400-8x8.jpg',
  'cameras/nikon-e775-8x8.jpg',
  'cameras/canon-eos-digital-rebel-8x8.jpg',
  'cameras/sony-dsc-f828-8x8.jpg',
  'phones/apple-iphone7-8x8.jpg',
  'cameras/gopro-hero6-8x8.jpg',
  'tricky/wwl-ion230-date-in-2026.jpg',
  'orientation/tiny-f1t.jpg',
  'orientation/tiny-f6t.jpg',
  'png/photoshop-8x12-rgba32-interlaced.png',
];

/** One photo of a timeline page, put back together from the column arrays. */
interface Entry {
  id: string;
  sortTime: number;
  wallOffset: number | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  media: string;
  mime: string | undefined;
}

function entries(page: TimelinePage): Entry[] {
  const n = page.ids.length;
  for (const column of [
    page.sortTimes,
    page.wallOffsets,
    page.widths,
    page.heights,
    page.orientations,
    page.media,
    page.mimeIndexes,
  ])
    expect(column).toHaveLength(n);
  expect(new Set(page.mimeTypes).size).toBe(page.mimeTypes.length);
  return page.ids.map((id, i) => ({
    id,
    sortTime: page.sortTimes[i] as number,
    wallOffset: page.wallOffsets[i] as number | null,
    width: page.widths[i] as number | null,
    height: page.heights[i] as number | null,
    orientation: page.orientations[i] as number | null,
    media: page.media[i] as string,
    mime: page.mimeTypes[page.mimeIndexes[i] as number],
  }));
}

/** What the compact timeline must say about a photo, from its full record. */
function expected(photo: Photo): Entry {
  const sortTime = Date.parse(photo.sortTime);
  return {
    id: photo.id,
    sortTime,
    wallOffset:
      photo.captureTime === null
        ? null
        : Math.round((Date.parse(`${photo.captureTime}Z`) - sortTime) / 60_000),
    width: photo.width,
    height: photo.height,
    orientation: photo.orientation,
    media: photo.media.state,
    mime: photo.mime,
  };
}

async function timeline(client: TestClient, query = ''): Promise<Reply<TimelinePage>> {
  return client.get<TimelinePage>(`/api/timeline${query ? `?${query}` : ''}`);
}

/** Every photo of the timeline by pages of `limit`, following the cursors. */
async function walk(client: TestClient, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const reply: Reply<TimelinePage> = await timeline(
      client,
      `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.ids.length).toBeLessThanOrEqual(limit);
    ids.push(...reply.body.ids);
    cursor = reply.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe.each(DIALECTS)('the compact timeline on %s', (dialect) => {
  let server: TestServer;
  let a: SignedIn;
  let b: SignedIn;
  let aPhotos: Photo[];
  let bPhotoIds: string[];

  beforeAll(async () => {
    server = await startTestServer(dialect);
    a = await adminSession(server.url, 'a@example.com');
    b = await userSession(server.url, a.client, 'b@example.com');
    await mapLimit(FILES, 4, (file) => a.client.uploadOk(corpusFile(file)));
    // Three copies with the very same capture time: their order comes from the id alone.
    for (const tie of ['tie-1', 'tie-2', 'tie-3'])
      await a.client.uploadOk(distinctCopy(corpusFile('cameras/gopro-hero6-8x8.jpg'), tie));
    // B has photos at the same times as A's, so a missing account filter would mix them in.
    const bPhotos = await mapLimit(FILES.slice(0, 4), 4, (file) =>
      b.client.uploadOk(distinctCopy(corpusFile(file), 'b')),
    );
    bPhotoIds = bPhotos.map((p) => p.id);
    aPhotos = (await mediaSettled(a.client)).filter((p) => p.status === 'active');
    await mediaSettled(b.client);
  });
  afterAll(() => server.close());

  it('lists every active photo newest first, as GET /api/photos does, with the same facts', async () => {
    const reply = await timeline(a.client);
    expect(reply.status).toBe(200);
    expect(reply.body.nextCursor).toBeNull();
    const list = await a.client.get<{ items: Photo[] }>('/api/photos?limit=1000');
    expect(entries(reply.body)).toEqual(list.body.items.map(expected));
    expect(reply.body.ids).toHaveLength(FILES.length + 3);
    const sorted = [...entries(reply.body)].sort(
      (x, y) => y.sortTime - x.sortTime || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0),
    );
    expect(reply.body.ids).toEqual(sorted.map((e) => e.id));
    // The facts are real ones, not copied from the same wrong place: a PNG, a turned photo, an undated one.
    expect(reply.body.mimeTypes.sort()).toEqual(['image/jpeg', 'image/png']);
    expect(reply.body.orientations).toContain(6);
    expect(reply.body.wallOffsets).toContain(null);
    expect(reply.body.media.every((state) => state === 'ready')).toBe(true);
  });

  it('pages by cursor over every photo exactly once, ties included, whatever the page size', async () => {
    const whole = (await timeline(a.client, 'limit=10000')).body.ids;
    for (const limit of [1, 2, 3, 5, whole.length - 1, whole.length]) {
      const { ids, pages } = await walk(a.client, limit);
      expect(ids, `limit ${limit}`).toEqual(whole);
      expect(pages, `limit ${limit}`).toBe(Math.max(1, Math.ceil(whole.length / limit)));
    }
  });

  it('never repeats or skips a photo while another device uploads during paging', async () => {
    const before = (await timeline(a.client, 'limit=10000')).body.ids;
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
      const upload = arriving[pages];
      const [page]: [Reply<TimelinePage>, unknown] = await Promise.all([
        timeline(a.client, `limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        upload ? other.uploadOk(upload) : Promise.resolve(null),
      ]);
      expect(page.status).toBe(200);
      seen.push(...page.body.ids);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    for (const late of arriving.slice(pages)) await other.uploadOk(late);

    expect(new Set(seen).size).toBe(seen.length);
    expect(before.filter((id) => !seen.includes(id))).toEqual([]);
    // Whatever was seen besides the old photos is one of the new ones, in timeline order.
    const after = (await timeline(a.client, 'limit=10000')).body.ids;
    expect(after).toHaveLength(before.length + arriving.length);
    expect(seen).toEqual(after.filter((id) => seen.includes(id)));
  });

  it('leaves out trashed photos until they are restored', async () => {
    const victim = aPhotos[3] as Photo;
    expect((await a.client.post(`/api/photos/${victim.id}/trash`)).status).toBe(200);
    expect((await timeline(a.client, 'limit=10000')).body.ids).not.toContain(victim.id);
    expect((await walk(a.client, 2)).ids).not.toContain(victim.id);
    expect((await a.client.post(`/api/photos/${victim.id}/restore`)).status).toBe(200);
    expect((await timeline(a.client, 'limit=10000')).body.ids).toContain(victim.id);
  });

  it("never shows another account's photos, not even with that account's cursor", async () => {
    const ofA = (await timeline(a.client, 'limit=10000')).body.ids;
    const ofB = (await timeline(b.client, 'limit=10000')).body.ids;
    expect([...ofB].sort()).toEqual([...bPhotoIds].sort());
    expect(ofA.filter((id) => bPhotoIds.includes(id))).toEqual([]);
    // A cursor is a position, not a permission: B following A's cursor still sees only B's photos.
    const cursorOfA = (await timeline(a.client, 'limit=1')).body.nextCursor;
    expect(cursorOfA).not.toBeNull();
    const followed = await timeline(b.client, `limit=10000&cursor=${cursorOfA}`);
    expect(followed.status).toBe(200);
    expect(followed.body.ids.filter((id) => !bPhotoIds.includes(id))).toEqual([]);
  });

  it('refuses a cursor it did not give out and a limit out of range with 400', async () => {
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
      expectProblem(await timeline(a.client, `cursor=${cursor}`), 400, 'invalid_cursor');
    }
    for (const query of [
      'limit=0',
      'limit=10001',
      'limit=-5',
      'limit=2.5',
      'limit=many',
      `cursor=${'a'.repeat(501)}`,
    ]) {
      expectProblem(await timeline(a.client, query), 400, 'validation_failed');
    }
    expect((await timeline(a.client, 'limit=10000')).status).toBe(200);
  });

  it('answers only a signed-in, trusted device', async () => {
    expectProblem(await timeline(new TestClient(server.url)), 401, 'unauthenticated');
    expectProblem(await timeline(new TestClient(server.url, 'not-a-token')), 401, 'unauthenticated');
    const pending = await pendingSession(server.url, 'a@example.com');
    expectProblem(await timeline(pending.client), 403, 'device_pending');
  });

  it('reads a page from the timeline index alone, from the cursor on', async () => {
    const db = server.database.db;
    const query = timelinePageQuery(db, a.account.id, { sortTime: 0, id: 'x' }, 3).compile();
    if (dialect === 'sqlite') {
      const plan = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      expect(plan.rows.map((r) => r.detail)).toEqual([
        'SEARCH photos USING COVERING INDEX photos_timeline (account_id=? AND status=? AND (sort_time,id)<(?,?))',
      ]);
      return;
    }
    // A test table is tiny, so the planner would rather scan it: forbid that and check the index can answer alone.
    const plan = await db.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
      return trx.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
      );
    });
    const text = JSON.stringify(plan.rows);
    expect(text).toContain('"Node Type":"Index Only Scan"');
    expect(text).toContain('"Index Name":"photos_timeline"');
  });
});
