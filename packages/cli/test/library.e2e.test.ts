import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  Device,
  cleanUp,
  createAccount,
  failed,
  ok,
  tempDir,
  escapeRegExp,
  type LoginJson,
} from './support/cli.ts';
import { MTIME, copyPhoto, manifestRow, sha256, type PhotoJson, type UploadJson } from './support/photos.ts';

// A photo's metadata and provenance, getting it back out of the library, and the trash. Tests run in order.
describe('photos in the library through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let desk: Device;
  let folder: string;
  let login: LoginJson;
  const ids = new Map<string, string>(); // file name -> photo id

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    desk = new Device(server.url, 'desk');
    folder = tempDir('photos');
    for (const file of [
      'phones/google-pixel8pro-8x8.jpg',
      'tricky/Olympus μ Digital 800.JPG',
      'webp/htc-desire-gps.webp',
      'cameras/gopro-hero6-8x8.jpg',
      'orientation/tiny-f6t.jpg',
    ])
      // Each with a known modification time (MTIME), which the server keeps as the client's claim.
      copyPhoto(file, path.join(folder, path.basename(file)));
    copyPhoto('png/canon-powershot-s40-exif-gps.png', path.join(folder, 's40.png'));
    await createAccount(desk, 'ada@example.com');
    const flags = ['--device-name', 'Laptop', '--device-model', 'ThinkPad X1', '--serial', 'PF-12345'];
    login = await desk.login('ada@example.com', flags);
    const uploaded = await desk.json<UploadJson>(['upload', folder]);
    for (const f of uploaded.files) ids.set(path.basename(f.file), f.id ?? '');
    expect(ids.size).toBe(6);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('shows every metadata field of a photo and its provenance', async () => {
    const id = ids.get('google-pixel8pro-8x8.jpg') ?? '';
    const row = manifestRow('phones/google-pixel8pro-8x8.jpg');
    const [photo, text, provenance, provenanceText, who] = await Promise.all([
      desk.json<PhotoJson>(['info', id]),
      desk.run(['info', id]),
      desk.json<Record<string, unknown>>(['info', id, '--provenance']),
      desk.run(['info', id, '--provenance']),
      desk.json<{ session: { id: string } }>(['whoami']),
    ]);
    expect(photo).toMatchObject({
      id,
      sha256: row.sha256,
      size: row.bytes,
      mime: row.mime,
      status: 'active',
      trashedAt: null,
      captureOffset: row.offsetTimeOriginal,
      make: row.make,
      model: row.model,
      width: Number(row.width),
      height: Number(row.height),
      orientation: Number(row.orientation),
    });
    // ExifTool's 2023:10:06 22:53:51 at +02:00 is 20:53:51 UTC (the file also records sub-seconds).
    expect(photo.captureTime).toMatch(/^2023-10-06T22:53:51/);
    expect(photo.capturedAtUtc).toMatch(/^2023-10-06T20:53:51(\.\d+)?Z$/);
    expect(photo.gps?.latitude).toBeCloseTo(Number(row.gpsLatitude), 6);
    expect(photo.gps?.longitude).toBeCloseTo(Number(row.gpsLongitude), 6);
    expect(photo.upload).toMatchObject({
      accountId: login.account.id,
      deviceId: login.deviceId,
      deviceName: 'Laptop',
      deviceModel: 'ThinkPad X1',
      deviceSerial: 'PF-12345',
      sessionId: who.session.id,
      ip: '127.0.0.1',
    });
    expect(photo.claims).toMatchObject({
      fileName: 'google-pixel8pro-8x8.jpg',
      fileModifiedAt: MTIME.toISOString(),
    });
    // --provenance adds the server's evidence (uploading device, its sign-in, deliveries) to the photo's own record.
    expect(provenance).toMatchObject({ id, upload: photo.upload, claims: photo.claims });
    expect(provenance['provenance']).toMatchObject({
      accountId: login.account.id,
      sessionId: who.session.id,
      device: { id: login.deviceId, name: 'Laptop', serial: 'PF-12345' },
      anomalies: [],
    });

    const lines = ok(text).split('\n');
    for (const line of [
      `id           ${id}`,
      `sha256       ${row.sha256}`,
      `type         image/jpeg, 40 KB (${row.bytes} bytes)`,
      `taken        ${photo.captureTime} +02:00`,
      `taken (UTC)  ${photo.capturedAtUtc}`,
      `camera       Google Pixel 8 Pro`,
      `dimensions   8 x 8, orientation 1`,
      `gps          ${photo.gps?.latitude}, ${photo.gps?.longitude}`,
      `  device       Laptop (ThinkPad X1)  ${login.deviceId}`,
      `  serial       PF-12345`,
      `  session      ${who.session.id}`,
      `  from         127.0.0.1 (Local network)`,
      `  file name    google-pixel8pro-8x8.jpg`,
      `  modified     ${MTIME.toISOString()}`,
    ])
      expect(lines).toContain(line);
    const provenanceLines = ok(provenanceText).split('\n');
    expect(provenanceLines[0]).toBe('Provenance (recorded by the server)');
    expect(provenanceLines).toContain(`  account      ${login.account.id}`);
    expect(provenanceLines.join('\n')).not.toContain('sha256');
  });

  it('downloads originals byte for byte, to a file or into a folder under the original name', async () => {
    const out = tempDir('downloads');
    const pixel = ids.get('google-pixel8pro-8x8.jpg') ?? '';
    const olympus = ids.get('Olympus μ Digital 800.JPG') ?? '';
    // Damage the server's stored copy of the WebP (same size, one byte flipped): `get` must refuse it.
    const webpSha = manifestRow('webp/htc-desire-gps.webp').sha256;
    const blob = path.join(server.dataDir, 'blobs', 'originals', webpSha.slice(0, 2), webpSha);
    const bytes = fs.readFileSync(blob);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    fs.chmodSync(blob, 0o600);
    fs.writeFileSync(blob, bytes);
    const [toFile, intoFolder, damaged] = await Promise.all([
      desk.json<{ file: string; size: number; sha256: string }>([
        'get',
        pixel,
        '-o',
        path.join(out, 'p.jpg'),
      ]),
      desk.run(['get', olympus, '-o', out]),
      desk.run(['get', ids.get('htc-desire-gps.webp') ?? '', '-o', path.join(out, 'damaged.webp')]),
    ]);
    const row = manifestRow('phones/google-pixel8pro-8x8.jpg');
    expect(toFile).toMatchObject({ file: path.join(out, 'p.jpg'), size: row.bytes, sha256: row.sha256 });
    expect(sha256(path.join(out, 'p.jpg'))).toBe(row.sha256);
    const saved = path.join(out, 'Olympus μ Digital 800.JPG');
    expect(ok(intoFolder)).toBe(`Saved ${saved} (201 KB).\n`);
    expect(sha256(saved)).toBe(manifestRow('tricky/Olympus μ Digital 800.JPG').sha256);
    expect(failed(damaged, 1)).toMatch(
      new RegExp(
        `^Could not save ${escapeRegExp(out)}/damaged\\.webp: its SHA-256 is [0-9a-f]{64}, not ${webpSha} as`,
      ),
    );
    // Neither the damaged download nor its partial file is left behind.
    expect(fs.readdirSync(out).sort()).toEqual(['Olympus μ Digital 800.JPG', 'p.jpg']);
  });

  it('trashes, restores, deletes and empties the trash', async () => {
    const [gopro = '', png = '', tiny = ''] = ['gopro-hero6-8x8.jpg', 's40.png', 'tiny-f6t.jpg'].map(
      (n) => ids.get(n) ?? '',
    );
    const trashed = await desk.json<{ items: PhotoJson[] }>(['trash', gopro, png]);
    expect(trashed.items.map((p) => [p.id, p.status])).toEqual([
      [gopro, 'trashed'],
      [png, 'trashed'],
    ]);
    const [active, trash] = await Promise.all([
      desk.json<{ items: PhotoJson[] }>(['ls']),
      desk.json<{ items: PhotoJson[] }>(['ls', '--trash']),
    ]);
    expect(active.items.map((p) => p.id).sort()).toEqual(
      [...ids.values()].filter((id) => id !== gopro && id !== png).sort(),
    );
    expect(trash.items.map((p) => p.id).sort()).toEqual([gopro, png].sort());
    expect(trash.items[0]?.trashedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Uploading a trashed photo's file again does not bring it back: the upload says where it is.
    const again = await desk.run(['upload', path.join(folder, 'gopro-hero6-8x8.jpg')]);
    expect(ok(again)).toBe(
      `in trash ${path.join(folder, 'gopro-hero6-8x8.jpg')}: restore it with \`shoebox restore ${gopro}\`\n` +
        '0 uploaded, 1 skipped (already in the library or its trash: 1), 0 failed.\n',
    );
    expect(
      JSON.parse((await desk.run(['upload', '--json', path.join(folder, 'gopro-hero6-8x8.jpg')])).stdout),
    ).toMatchObject({
      skipped: 1,
      files: [{ status: 'skipped', id: gopro, reason: 'in the trash' }],
    });

    const [restored, deleted] = await Promise.all([
      desk.json<{ items: PhotoJson[] }>(['restore', png]),
      desk.json<{ deleted: string[] }>(['delete', tiny]),
    ]);
    expect(restored.items.map((p) => [p.id, p.status])).toEqual([[png, 'active']]);
    expect(deleted).toEqual({ deleted: [tiny] });
    const [trashText, gone] = await Promise.all([desk.run(['ls', '--trash']), desk.run(['info', tiny])]);
    expect(ok(trashText)).toMatch(
      new RegExp(`^${gopro}  2017-10-03 10:58:29 +4\\.5 KB  gopro-hero6-8x8.jpg\\n$`),
    );
    expect(failed(gone, 1)).toBe(`No photo with id "${tiny}" in this library.`);

    expect(await desk.json(['empty-trash'])).toEqual({ deleted: 1 });
    const [emptyText, reupload] = await Promise.all([
      desk.run(['ls', '--trash']),
      // Deleted for good, so the same file is new to the server again.
      desk.json<UploadJson>(['upload', path.join(folder, 'tiny-f6t.jpg')]),
    ]);
    expect(ok(emptyText)).toBe('The trash is empty.\n');
    expect(reupload).toMatchObject({ uploaded: 1, skipped: 0, failed: 0 });
    expect(reupload.files[0]?.id).not.toBe(tiny);
  });
});
