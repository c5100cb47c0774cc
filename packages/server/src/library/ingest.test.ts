import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExistsResponse, Photo, UploadResult } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { originalKey } from '../adapters/blobs/blob-store.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  allPhotos,
  eventually,
  expectProblem,
  filesUnder,
  jobsIdle,
  mapLimit,
  mediaSettled,
  originalPath,
  storedFiles,
  userSession,
  waitUntil,
  type Reply,
  type SignedIn,
} from '../../test/support/api.ts';
import { CORPUS, corpusFile, readManifest, type ManifestRow } from '../../test/support/corpus.ts';

// Ingest through the HTTP API: the upload rules, every malformed file, and the whole corpus against its manifest.

/** Small enough to upload, large enough to prove the limit: other tests stay far below it. */
const MAX_UPLOAD_BYTES = 1_000_000;
const STANFORD_IP = '171.64.1.1';
const manifest = new Map(readManifest().map((row) => [row.path, row]));

function shaOf(relative: string): string {
  const row = manifest.get(relative);
  if (!row) throw new Error(`not in the manifest: ${relative}`);
  return row.sha256;
}

/** An upload whose body arrives in two parts, so a test can look at the server between them. */
function streamedUpload(server: TestServer, token: string, bytes: Buffer, splitAt: number) {
  let body!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (body = c) });
  const abort = new AbortController();
  const reply = fetch(`${server.url}/api/photos`, {
    method: 'POST',
    body: stream,
    duplex: 'half',
    signal: abort.signal,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
  });
  body.enqueue(new Uint8Array(bytes.subarray(0, splitAt)));
  return {
    reply,
    finish() {
      body.enqueue(new Uint8Array(bytes.subarray(splitAt)));
      body.close();
    },
    abort: () => abort.abort(),
  };
}

describe.each(DIALECTS)('upload on %s', (dialect) => {
  let server: TestServer;
  let a: SignedIn;
  let b: SignedIn;
  let staging: string;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { maxUploadBytes: MAX_UPLOAD_BYTES } });
    a = await adminSession(server.url, 'a@example.com');
    b = await userSession(server.url, a.client, 'b@example.com');
    staging = path.join(server.dataDir, 'tmp', 'uploads');
  });
  afterAll(() => server.close());

  async function photoRows(sha256: string): Promise<number> {
    const row = await server.database.db
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sha256', '=', sha256)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The files on disk once no media job is running (a job's scratch files would make snapshots flaky). */
  async function settledFiles() {
    await jobsIdle(server);
    return storedFiles(server.dataDir);
  }

  /** Runs a refused upload and checks that it left no row, no blob, no staging file. */
  async function expectRefusedAndNothingKept(
    sha256: string,
    send: () => Promise<Reply>,
    status: number,
    code: string,
  ) {
    const before = await settledFiles();
    expectProblem(await send(), status, code);
    expect(await photoRows(sha256)).toBe(0);
    expect(fs.existsSync(originalPath(server.dataDir, sha256))).toBe(false);
    expect(storedFiles(server.dataDir)).toEqual(before);
    expect(filesUnder(staging)).toEqual([]);
  }

  it('streams the body to a staging file, then renames it into the blob store before the row is committed', async () => {
    const relative = 'cameras/canon-eos-r5.jpg';
    const bytes = fs.readFileSync(corpusFile(relative));
    const upload = streamedUpload(server, a.client.token ?? '', bytes, 64 * 1024);
    // Half the file is on the wire: it is already being written to staging, and nothing is committed yet.
    const part = await eventually(() => {
      const [name] = filesUnder(staging);
      const file = name && path.join(staging, name);
      return Promise.resolve(file && fs.statSync(file).size === 64 * 1024 ? file : undefined);
    });
    const stagingInode = fs.statSync(part).ino;
    expect(await photoRows(shaOf(relative))).toBe(0);
    expect(fs.existsSync(originalPath(server.dataDir, shaOf(relative)))).toBe(false);

    upload.finish();
    const reply = await upload.reply;
    expect(reply.status).toBe(201);
    const { photo, created } = (await reply.json()) as UploadResult;
    expect(created).toBe(true);
    expect(photo).toMatchObject({ sha256: shaOf(relative), size: bytes.length, mime: 'image/jpeg' });
    // The very same file, renamed rather than copied: no moment where a half-written blob is visible.
    const stored = originalPath(server.dataDir, photo.sha256);
    expect(fs.statSync(stored).ino).toBe(stagingInode);
    expect(fs.readFileSync(stored).equals(bytes)).toBe(true);
    expect(filesUnder(staging)).toEqual([]);
    expect(await photoRows(photo.sha256)).toBe(1);
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    const relative = 'cameras/canon-eos7d.jpg';
    const bytes = fs.readFileSync(corpusFile(relative));
    const upload = streamedUpload(server, a.client.token ?? '', bytes, 32 * 1024);
    await waitUntil(() => filesUnder(staging).length === 1);
    upload.abort();
    await expect(upload.reply).rejects.toThrow();
    await waitUntil(() => filesUnder(staging).length === 0, 10_000, 'staging cleanup');
    expect(await photoRows(shaOf(relative))).toBe(0);
    expect(fs.existsSync(originalPath(server.dataDir, shaOf(relative)))).toBe(false);
  });

  it('records provenance from the server, and keeps client claims beside it without letting them win', async () => {
    const stanford = new TestClient(server.url, a.client.token, STANFORD_IP);
    const before = Date.now();
    const reply = await stanford.upload(corpusFile('no-exif/noexif.jpg'), {
      'x-shoebox-file-name': encodeURIComponent('Olympus μ Digital 800.JPG'),
      'x-shoebox-file-modified': '2019-07-01T10:20:30Z',
      'x-shoebox-file-created': String(Date.UTC(2018, 0, 2, 3, 4, 5)),
      // Headers a client might try in order to write provenance itself; the server must ignore them.
      'x-shoebox-device-id': b.deviceId,
      'x-shoebox-account-id': b.account.id,
      'x-shoebox-session-id': 'forged-session',
      'x-shoebox-uploaded-at': '2001-01-01T00:00:00Z',
    });
    const after = Date.now();
    expect(reply.status).toBe(201);
    const { photo } = reply.body;
    expect(photo.upload).toMatchObject({
      accountId: a.account.id,
      deviceId: a.deviceId,
      deviceName: 'test-device',
      deviceModel: 'TestModel',
      sessionId: a.response.session.id,
      ip: STANFORD_IP,
      place: { city: 'Stanford', countryCode: 'US' },
    });
    const uploadedAt = Date.parse(photo.upload.uploadedAt);
    expect(uploadedAt).toBeGreaterThanOrEqual(before);
    expect(uploadedAt).toBeLessThanOrEqual(after);
    expect(photo.claims).toEqual({
      fileName: 'Olympus μ Digital 800.JPG',
      fileModifiedAt: '2019-07-01T10:20:30.000Z',
      fileCreatedAt: '2018-01-02T03:04:05.000Z',
    });
    // No capture time in the file: the timeline uses the server's upload time, never the client's file dates.
    expect(photo.captureTime).toBeNull();
    expect(photo.sortTime).toBe(photo.upload.uploadedAt);

    // The media job may have finished in between; everything else must be as the upload reported it.
    const fetched = await a.client.get<Photo>(`/api/photos/${photo.id}`);
    expect(fetched.body).toEqual({ ...photo, media: fetched.body.media });
    const original = await a.client.get(`/api/photos/${photo.id}/original?download=1`);
    expect(original.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('Olympus μ Digital 800.JPG')}`,
    );
  });

  it('refuses claims it cannot represent before receiving the file (regression: 500 and a committed row)', async () => {
    const file = corpusFile('cameras/nikon-e775-8x8.jpg');
    for (const [header, value] of [
      ['x-shoebox-file-modified', '99999999999999999'],
      ['x-shoebox-file-created', '9999999999999999999999'],
      ['x-shoebox-file-modified', 'last tuesday'],
      ['x-shoebox-file-name', '%E0%A4%A'],
      ['x-shoebox-sha256', 'not-a-sha'],
    ] as const) {
      await expectRefusedAndNothingKept(
        shaOf('cameras/nikon-e775-8x8.jpg'),
        () => a.client.upload(file, { [header]: value }),
        400,
        'validation_failed',
      );
    }
  });

  it('identifies the type from the bytes, never from the name', async () => {
    const png = await a.client.uploadOk(corpusFile('malformed/png-with-jpg-extension.jpg'), {
      'x-shoebox-file-name': 'holiday.jpg',
    });
    expect(png).toMatchObject({ mime: 'image/png', width: 8, height: 12 });
    const original = await a.client.get(`/api/photos/${png.id}/original`);
    expect(original.headers.get('content-type')).toBe('image/png');

    const jpeg = await a.client.uploadOk(corpusFile('malformed/jpeg-with-heic-extension.heic'), {
      'x-shoebox-file-name': 'IMG_0001.HEIC',
    });
    expect(jpeg.mime).toBe('image/jpeg');
  });

  it('tells a DNG from a plain TIFF and reads the size of its sensor image (regression: image/tiff, 8x8)', async () => {
    const canon = await a.client.uploadOk(corpusFile('raw/canon-350d-exiftool.dng'));
    expect(canon).toMatchObject({ mime: 'image/x-adobe-dng', width: 3516, height: 2328 });
    const nikon = await a.client.uploadOk(corpusFile('raw/nikon-z9-cropped.dng'));
    expect(nikon).toMatchObject({
      mime: 'image/x-adobe-dng',
      width: 5392,
      height: 3592,
      captureOffset: '+03:00',
    });
  });

  it('refuses a checksum that does not match and keeps nothing; accepts one that does, in any case', async () => {
    const relative = 'cameras/olympus-c2000z-8x8.jpg';
    const file = corpusFile(relative);
    const wrong = shaOf('cameras/nikon-e775-8x8.jpg');
    await expectRefusedAndNothingKept(
      shaOf(relative),
      () => a.client.upload(file, { 'x-shoebox-sha256': wrong }),
      400,
      'checksum_mismatch',
    );
    const ok = await a.client.upload(file, { 'x-shoebox-sha256': shaOf(relative).toUpperCase() });
    expect(ok.status).toBe(201);
    expect(ok.body.photo.sha256).toBe(shaOf(relative));
  });

  it.each([
    ['malformed/zero-bytes.jpg', 400, 'empty_file'],
    ['malformed/plain-text.jpg', 415, 'unsupported_media_type'],
    ['malformed/html-error-page.jpg', 415, 'unsupported_media_type'],
  ] as const)('refuses %s and keeps nothing', async (relative, status, code) => {
    await expectRefusedAndNothingKept(
      shaOf(relative),
      () => a.client.upload(corpusFile(relative)),
      status,
      code,
    );
  });

  it('refuses a file over the size limit and keeps nothing; a file of exactly the limit is accepted', async () => {
    const padded = (size: number) => {
      const bytes = Buffer.alloc(size);
      fs.readFileSync(corpusFile('cameras/fujifilm-finepix2400-8x8.jpg')).copy(bytes);
      return bytes;
    };
    const tooLarge = padded(MAX_UPLOAD_BYTES + 1);
    const sha = createHash('sha256').update(tooLarge).digest('hex');
    await expectRefusedAndNothingKept(sha, () => a.client.upload(tooLarge), 413, 'payload_too_large');
    expect((await a.client.upload(padded(MAX_UPLOAD_BYTES))).status).toBe(201);
  });

  it('returns the photo an account already has, gives another account its own photo, and shares the blob', async () => {
    const relative = 'cameras/gopro-hero6-8x8.jpg';
    const file = corpusFile(relative);
    const sha = shaOf(relative);
    const first = await a.client.upload(file);
    expect([first.status, first.body.created]).toEqual([201, true]);
    const again = await a.client.upload(file, { 'x-shoebox-file-name': 'another-name.jpg' });
    expect([again.status, again.body.created]).toEqual([200, false]);
    expect(again.body.photo).toEqual({ ...first.body.photo, media: again.body.photo.media });

    const other = await b.client.upload(file);
    expect([other.status, other.body.created]).toEqual([201, true]);
    expect(other.body.photo.id).not.toBe(first.body.photo.id);
    expect(other.body.photo.upload.accountId).toBe(b.account.id);
    expect(await photoRows(sha)).toBe(2);
    const blobs = await server.database.db
      .selectFrom('blobs')
      .selectAll()
      .where('sha256', '=', sha)
      .execute();
    expect(blobs).toHaveLength(1);
    const original = await buffer(server.blobs.read(originalKey(sha)));
    expect(original.equals(fs.readFileSync(file))).toBe(true);
  });

  it('settles concurrent uploads of one new file on a single photo', async () => {
    const relative = 'cameras/pentax-k10d-o8-8x8.jpg';
    const replies = await Promise.all(Array.from({ length: 4 }, () => a.client.upload(corpusFile(relative))));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.photo.id)).size).toBe(1);
    expect(await photoRows(shaOf(relative))).toBe(1);
  });

  it('answers the pre-upload check per account', async () => {
    const gopro = shaOf('cameras/gopro-hero6-8x8.jpg');
    const unknown = shaOf('cameras/sony-dsc-f828-8x8.jpg');
    const mine = await a.client.post<ExistsResponse>('/api/photos/exists', {
      sha256: [gopro, unknown, gopro],
    });
    expect(mine.status).toBe(200);
    const [aPhoto] = (await a.client.get<{ items: Photo[] }>(`/api/photos?limit=1000`)).body.items.filter(
      (p) => p.sha256 === gopro,
    );
    expect(mine.body.existing).toEqual({ [gopro]: aPhoto?.id });
    const theirs = await b.client.post<ExistsResponse>('/api/photos/exists', { sha256: [gopro] });
    expect(theirs.body.existing[gopro]).toBeDefined();
    expect(theirs.body.existing[gopro]).not.toBe(aPhoto?.id);
    // B never uploaded the DNG: A's copy must not show through.
    const dng = shaOf('raw/nikon-z9-cropped.dng');
    expect(
      (await b.client.post<ExistsResponse>('/api/photos/exists', { sha256: [dng] })).body.existing,
    ).toEqual({});
    expectProblem(await a.client.post('/api/photos/exists', { sha256: ['ABC'] }), 400, 'validation_failed');
    expectProblem(await a.client.post('/api/photos/exists', { sha256: [] }), 400, 'validation_failed');
  });

  describe('every file in malformed/', () => {
    const names = fs.readdirSync(path.join(CORPUS, 'malformed')).sort();
    const replies = new Map<string, Reply<UploadResult>>();
    let settled: Map<string, Photo>;

    /** Files whose fate is known for certain; every other file need only be refused cleanly or kept and marked. */
    const MUST: Record<
      string,
      { refused: [number, string] } | { state: 'failed'; note: RegExp } | { mime: string }
    > = {
      'zero-bytes.jpg': { refused: [400, 'empty_file'] },
      'plain-text.jpg': { refused: [415, 'unsupported_media_type'] },
      'html-error-page.jpg': { refused: [415, 'unsupported_media_type'] },
      'truncated-50pct-apple-iphone4.jpg': { state: 'failed', note: /truncated/i },
      'truncated-inside-exif-google-pixel5.jpg': { state: 'failed', note: /truncated|corrupt|damaged/i },
      'truncated-40pct-apple-iphone11pro.heic': { state: 'failed', note: /truncated/i },
      'truncated-50pct-density-plot.png': { state: 'failed', note: /truncated/i },
      'corrupt-scan-data-canon-eos7d.jpg': { state: 'failed', note: /corrupt/i },
      'png-with-jpg-extension.jpg': { mime: 'image/png' },
      'jpeg-with-heic-extension.heic': { mime: 'image/jpeg' },
    };

    beforeAll(async () => {
      const results = await mapLimit(names, 4, (name) =>
        a.client.upload(path.join(CORPUS, 'malformed', name)),
      );
      names.forEach((name, i) => replies.set(name, results[i] as Reply<UploadResult>));
      settled = new Map((await mediaSettled(a.client)).map((p) => [p.id, p]));
    });

    it('names only files that exist', () => {
      for (const name of Object.keys(MUST)) expect(names).toContain(name);
      expect(names.length).toBeGreaterThanOrEqual(23);
    });

    it.each(names)('%s is refused with a problem, or kept, marked and downloadable', async (name) => {
      const reply = replies.get(name);
      if (!reply) throw new Error(`no reply for ${name}`);
      const bytes = fs.readFileSync(path.join(CORPUS, 'malformed', name));
      const must = MUST[name];
      if (reply.status >= 400) {
        const [status, code] = must && 'refused' in must ? must.refused : [reply.status, undefined];
        const problem = expectProblem(reply, status, code);
        expect(problem.status).toBeLessThan(500);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        expect(fs.existsSync(originalPath(server.dataDir, sha256))).toBe(false);
        return;
      }
      expect(must && 'refused' in must, `${name} should have been refused`).toBeFalsy();
      expect([200, 201]).toContain(reply.status);
      const photo = settled.get(reply.body.photo.id);
      if (!photo) throw new Error(`${name} is not in the library`);
      expect(['ready', 'failed']).toContain(photo.media.state);
      if (must && 'state' in must) {
        expect(photo.media.state).toBe(must.state);
        expect(photo.media.note).toMatch(must.note);
      }
      if (must && 'mime' in must) expect(photo.mime).toBe(must.mime);
      if (photo.media.state === 'failed') {
        expect(photo.media.note).toMatch(/^\S.*\.$/);
        for (const variant of ['thumbnail', 'preview']) {
          const missing = expectProblem(
            await a.client.get(`/api/photos/${photo.id}/${variant}`),
            404,
            'not_found',
          );
          expect(missing.detail).toContain(photo.media.note);
        }
      }
      const original = await a.client.get(`/api/photos/${photo.id}/original`);
      expect(original.status).toBe(200);
      expect(Buffer.compare(original.body as Buffer, bytes)).toBe(0);
    });

    it('left no staging files behind', async () => {
      await jobsIdle(server);
      expect(filesUnder(path.join(server.dataDir, 'tmp'))).toEqual([]);
    });
  });
});

/** What the API says about a photo's content, in the manifest's terms. */
interface Expected {
  sha256: string;
  size: number;
  mime: string;
  make: string | null;
  model: string | null;
  /** Seconds precision: Shoebox adds milliseconds when SubSecTimeOriginal is known, ExifTool's column does not. */
  captureTime: string | null;
  captureOffset: string | null;
  gps: { latitude: number; longitude: number } | null;
  orientation: number | null;
  width: number | null;
  height: number | null;
}

/**
 * Where Shoebox deliberately reads a file differently from ExifTool (the same reasoning as the media adapter's own
 * corpus test, whose table is private to it): the field, the API's value, and why. A test below checks that each
 * entry really differs from the manifest, so the table cannot go stale.
 */
const EXCEPTIONS: Record<string, { field: keyof Expected; value: unknown; why: string }[]> = {
  'tricky/fujifilm-dx5-blank-datetime.jpg': [
    {
      field: 'captureTime',
      value: null,
      why: 'DateTimeOriginal is blanks; ExifTool echoes them, they are not a date',
    },
  ],
  'tricky/nikon-e900-zero-datetime.jpg': [
    { field: 'captureTime', value: null, why: '"0000:00:00 00:00:00" is how EXIF writes "unknown"' },
  ],
  'cameras/reconyx-hc500-trailcam-no-make.jpg': [
    {
      field: 'captureTime',
      value: null,
      why: 'ExifTool takes the date from Reconyx maker notes; Shoebox reads none',
    },
  ],
  'tricky/samsung-GT-I9000-gps-0-0-o6.jpg': [
    {
      field: 'gps',
      value: null,
      why: 'GPS 0,0 is what a receiver without a fix writes, not a place in the sea',
    },
  ],
  'cameras/nikon-d5000.jpg': [
    {
      field: 'orientation',
      value: null,
      why: 'its only Orientation is in IFD1, which describes the EXIF thumbnail',
    },
  ],
  'phones/huawei-LYA-AL00.jpg': [
    { field: 'orientation', value: null, why: 'Orientation 0 is not a valid value' },
  ],
  'orientation/landscape_0.jpg': [
    { field: 'orientation', value: null, why: 'Orientation 0 is not a valid value' },
  ],
};

const cell = (text: string): string | null => text || null;
const numberCell = (text: string): number | null => (text === '' ? null : Number(text));

function fromManifest(row: ManifestRow): Expected {
  const [latitude, longitude] = [numberCell(row.gpsLatitude), numberCell(row.gpsLongitude)];
  return {
    sha256: row.sha256,
    size: row.bytes,
    mime: row.mime,
    make: cell(row.make),
    model: cell(row.model),
    // 'YYYY:MM:DD HH:MM:SS' (sometimes with a zone after it) as the API's 'YYYY-MM-DDTHH:mm:ss'.
    captureTime: row.dateTimeOriginal
      ? `${row.dateTimeOriginal.slice(0, 10).replaceAll(':', '-')}T${row.dateTimeOriginal.slice(11, 19)}`
      : null,
    // OffsetTime stands in when a camera wrote only that (tricky/canon-t5i-offsettime-only.jpg).
    captureOffset: cell(row.offsetTimeOriginal) ?? cell(row.offsetTime),
    gps: latitude === null || longitude === null ? null : { latitude, longitude },
    orientation: numberCell(row.orientation),
    width: numberCell(row.width),
    height: numberCell(row.height),
  };
}

function expectedFor(row: ManifestRow): Expected {
  const expected = fromManifest(row);
  for (const { field, value } of EXCEPTIONS[row.path] ?? []) Object.assign(expected, { [field]: value });
  return expected;
}

function observed(photo: Photo): Expected {
  const { sha256, size, mime, make, model, captureOffset, gps, orientation, width, height } = photo;
  const captureTime = photo.captureTime?.slice(0, 19) ?? null;
  return { sha256, size, mime, make, model, captureTime, captureOffset, gps, orientation, width, height };
}

const valid = readManifest().filter((row) => row.kind !== 'malformed');

describe('the corpus exception table', () => {
  it('names only valid corpus files, each really read differently from ExifTool', () => {
    for (const [name, exceptions] of Object.entries(EXCEPTIONS)) {
      const row = valid.find((r) => r.path === name);
      expect(row, name).toBeDefined();
      for (const { field, value } of exceptions) {
        expect(row && fromManifest(row)[field], `${name} ${field}`).not.toEqual(value);
      }
    }
  });
});

describe.each(DIALECTS)('the corpus through the API on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  const uploads = new Map<string, Reply<{ photo: Photo; created: boolean }>>();

  beforeAll(async () => {
    // No media workers: metadata is read at ingest, before any job runs, and the CPU goes to the uploads.
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    admin = await adminSession(server.url);
    const replies = await mapLimit(valid, 4, (row) => admin.client.upload(corpusFile(row.path)));
    valid.forEach((row, i) => uploads.set(row.path, replies[i] as Reply<{ photo: Photo; created: boolean }>));
  });
  afterAll(() => server.close());

  it('covers every file outside malformed/', () => {
    expect(valid.length).toBeGreaterThanOrEqual(93);
  });

  it.each(valid.map((row) => [row.path, row] as const))('%s matches the manifest', async (_name, row) => {
    const reply = uploads.get(row.path);
    expect(reply?.status, JSON.stringify(reply?.body)).toBe(201);
    const photo = reply?.body.photo;
    if (!photo) throw new Error(`no photo for ${row.path}`);
    const expected = expectedFor(row);
    const gps = expected.gps && {
      latitude: expect.closeTo(expected.gps.latitude, 5) as number,
      longitude: expect.closeTo(expected.gps.longitude, 5) as number,
    };
    expect(observed(photo)).toEqual({ ...expected, gps });

    // The timeline sorts by the capture instant when the offset is known, else by the camera's wall clock.
    expect(photo.captureTime ?? '').toMatch(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?)?$/);
    const zone = photo.captureOffset ?? (row.dateTimeOriginal.endsWith('Z') ? 'Z' : null);
    const utc =
      zone && photo.captureTime ? new Date(Date.parse(`${photo.captureTime}${zone}`)).toISOString() : null;
    expect(photo.capturedAtUtc).toBe(utc);
    const wall = photo.captureTime && new Date(Date.parse(`${photo.captureTime}Z`)).toISOString();
    expect(photo.sortTime).toBe(utc ?? wall ?? photo.upload.uploadedAt);

    const fetched = await admin.client.get<Photo>(`/api/photos/${photo.id}`);
    expect(fetched.body).toEqual(photo);
  });

  it('lists every upload once, newest capture first', async () => {
    const photos = await allPhotos(admin.client);
    expect(photos.map((p) => p.sha256).sort()).toEqual(valid.map((r) => r.sha256).sort());
    const times = photos.map((p) => Date.parse(p.sortTime));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('answers 404 with the reason while the thumbnail and preview are not made yet', async () => {
    const photo = uploads.get('phones/xiaomi-mi9t.jpg')?.body.photo;
    expect(photo?.media).toEqual({ state: 'pending', note: null, metadataProblems: [] });
    for (const variant of ['thumbnail', 'preview']) {
      const problem = expectProblem(
        await admin.client.get(`/api/photos/${photo?.id}/${variant}`),
        404,
        'not_found',
      );
      expect(problem.detail).toBe(`The ${variant} of this photo is still being made.`);
    }
  });
});
