import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  allPhotos,
  expectProblem,
  mapLimit,
  type Reply,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile, readManifest, type ManifestRow } from '../../test/support/corpus.ts';

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
      latitude: expect.closeTo(expected.gps.latitude, 5),
      longitude: expect.closeTo(expected.gps.longitude, 5),
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
