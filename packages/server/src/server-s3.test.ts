import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { startServer, type RunningServer } from './server.ts';
import { createS3BlobStore } from './adapters/blobs/s3-blob-store.ts';
import { parseS3Location } from './adapters/blobs/s3-location.ts';
import { derivativeKey, originalKey } from './adapters/blobs/blob-store.ts';
import { createLogger } from './platform/logger.ts';
import { startTestS3, type TestS3 } from '../test/support/s3.ts';
import { adminSession, distinctCopy, eventually, type SignedIn } from '../test/support/api.ts';
import { corpusFile } from '../test/support/corpus.ts';

// The whole server, configured with `blobStore: s3://…`, uploading into and serving from a real S3 service.

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('a server whose blobs live in S3', () => {
  let s3: TestS3;
  let server: RunningServer;
  let admin: SignedIn;
  let dataDir: string;
  let spec: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-s3-server-'));
    spec = s3.spec('photos');
    const config = parseConfig({ dataDir, port: 0, blobStore: spec, logLevel: 'silent', mediaWorkers: 1 });
    server = await startServer(config, { log: createLogger('silent') });
    admin = await adminSession(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores uploads in the bucket (not the data folder) and serves them whole, by range and as thumbnails', async () => {
    const bytes = fs.readFileSync(corpusFile('cameras/canon-eos7d.jpg'));
    const photo = await admin.client.uploadOk(bytes);
    expect(photo.sha256).toBe(sha(bytes));

    const bucket = createS3BlobStore(parseS3Location(spec));
    expect(await bucket.size(originalKey(photo.sha256))).toBe(bytes.length);
    expect(fs.existsSync(path.join(dataDir, 'blobs', 'originals'))).toBe(false);

    const original = await admin.client.get<Buffer>(`/api/photos/${photo.id}/original`);
    expect(original.status).toBe(200);
    expect(sha(original.body)).toBe(photo.sha256);

    const range = await admin.client.get<Buffer>(`/api/photos/${photo.id}/original`, {
      range: 'bytes=100-4195',
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 100-4195/${bytes.length}`);
    expect(range.body.equals(bytes.subarray(100, 4196))).toBe(true);

    // The derivative job reads the original from S3 and writes its JPEGs back there.
    const thumb = await eventually(async () => {
      const reply = await admin.client.get<Buffer>(`/api/photos/${photo.id}/thumbnail`);
      return reply.status === 200 ? reply : undefined;
    });
    expect(thumb.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(await bucket.size(derivativeKey(photo.sha256, 'thumbnail'))).toBe(thumb.body.length);
  });

  it('takes an upload larger than one multipart part bit for bit', async () => {
    const padding = Buffer.alloc(11 * 1024 * 1024, 7);
    const bytes = Buffer.concat([distinctCopy(corpusFile('cameras/canon-eos-r5.jpg'), 'big'), padding]);
    const photo = await admin.client.uploadOk(bytes);
    expect(photo.sha256).toBe(sha(bytes));
    const original = await admin.client.get<Buffer>(`/api/photos/${photo.id}/original`);
    expect(sha(original.body)).toBe(sha(bytes));
  });
});
