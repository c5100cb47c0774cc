import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore, ByteRange } from './blob-store.ts';
import type { S3Location } from './s3-location.ts';

/** An S3 client that sends only what every S3-compatible service understands, plus Content-MD5 on each body. */
export function createS3Client(location: S3Location): S3Client {
  // The SDK version is pinned and supports Node 20 (the project's floor); its notice about future releases
  // needing Node 22 would only clutter the CLI's stderr and the server's log.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const client = new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    // The SDK's default CRC32 trailers (aws-chunked) are refused by many S3-compatible services.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // Content-MD5 makes the service refuse a body damaged in transit (BadDigest) instead of storing it.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const body = request.body;
      if (
        (context.commandName === 'PutObjectCommand' || context.commandName === 'UploadPartCommand') &&
        request.headers &&
        body instanceof Uint8Array &&
        !request.headers['content-md5']
      ) {
        request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'shoeboxContentMd5', priority: 'high' },
  );
  return client;
}

/**
 * Objects in an S3 bucket under a prefix. Uploads are single PUTs or multipart (lib-storage) and become visible
 * only when complete, so readers see nothing or the whole object, as with the local store.
 */
export function createS3BlobStore(location: S3Location, client = createS3Client(location)): BlobStore {
  const { bucket, prefix, partSize } = location;
  const Key = (key: string) => `${prefix}${key}`;
  const checksum = location.checksum === 'sha256' ? { ChecksumAlgorithm: 'SHA256' as const } : {};

  async function verified(key: string, etag: string | undefined, expected: string[]): Promise<void> {
    // Content-MD5 lets the service refuse a damaged request body; the ETag confirms the object as assembled,
    // also on services that ignore Content-MD5.
    const got = unquote(etag);
    if (location.checksum === 'md5' && (got === undefined || !expected.includes(got))) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: Key(key) }));
      throw new Error(`S3 stored ${key} with ETag ${etag ?? 'none'}, expected ${expected.join(' or ')}`);
    }
  }

  async function putBuffer(key: string, data: Uint8Array): Promise<void> {
    const out = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: Key(key), Body: data, ...checksum }),
    );
    await verified(key, out.ETag, [createHash('md5').update(data).digest('hex')]);
  }

  return {
    async importFile(localPath, key) {
      const expected = await expectedEtags(localPath, partSize);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: Key(key), Body: fs.createReadStream(localPath), ...checksum },
        partSize,
        queueSize: 4,
        leavePartsOnError: false,
      });
      const out = await upload.done();
      await verified(key, out.ETag, expected);
      await fsp.rm(localPath, { force: true });
    },

    async writeAll(objects) {
      await Promise.all(objects.map(({ key, data }) => putBuffer(key, data)));
    },

    async size(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: Key(key) }));
        return head.ContentLength ?? 0;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    read(key, range?: ByteRange): Readable {
      // The request starts on first read, so an unread stream costs nothing; the range is served by S3.
      async function* body(): AsyncGenerator<Buffer> {
        let response;
        try {
          response = await client.send(
            new GetObjectCommand({
              Bucket: bucket,
              Key: Key(key),
              ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
            }),
          );
        } catch (err) {
          if (isNotFound(err)) throw missing(key);
          throw err;
        }
        yield* response.Body as Readable;
      }
      return Readable.from(body(), { objectMode: false });
    },

    async withLocalFile(key, use) {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-s3-'));
      try {
        const file = path.join(dir, 'object');
        await pipeline(this.read(key), fs.createWriteStream(file));
        return await use(file);
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: Key(key) }));
    },

    async *list(keyPrefix) {
      const base = Key(keyPrefix.endsWith('/') ? keyPrefix : `${keyPrefix}/`);
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: base })) {
        for (const object of page.Contents ?? []) {
          if (object.Key) yield object.Key.slice(prefix.length);
        }
      }
    },
  };
}

/**
 * The ETags a service may give a file uploaded as `upload` does: the MD5 of the whole object, or (AWS, Ceph, MinIO)
 * for several parts the MD5 of the parts' MD5s with the part count appended.
 */
async function expectedEtags(file: string, partSize: number): Promise<string[]> {
  const whole = createHash('md5');
  const parts: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    let buf = chunk as Buffer;
    whole.update(buf);
    while (buf.length > 0) {
      const take = Math.min(buf.length, partSize - inPart);
      part.update(buf.subarray(0, take));
      inPart += take;
      buf = buf.subarray(take);
      if (inPart === partSize) {
        parts.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0) parts.push(part.digest());
  const md5 = whole.digest('hex');
  if (parts.length <= 1) return [md5];
  return [md5, `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}`];
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function missing(key: string): Error {
  return Object.assign(new Error(`No such blob: ${key}`), { code: 'ENOENT' });
}
