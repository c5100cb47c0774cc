import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore, createS3Client } from './s3-blob-store.ts';
import { parseS3Location } from './s3-location.ts';
import { startTestS3, type TestS3 } from '../../../test/support/s3.ts';

let s3: TestS3;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-blob-contract-'));
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const STORES: [string, () => BlobStore][] = [
  ['local folder', () => createLocalBlobStore(fs.mkdtempSync(path.join(scratch, 'store-')))],
  ['S3', () => createS3BlobStore(parseS3Location(s3.spec(`t${randomBytes(4).toString('hex')}`)))],
];

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function localFile(data: Uint8Array): string {
  const file = path.join(scratch, `${randomBytes(8).toString('hex')}.part`);
  fs.writeFileSync(file, data);
  return file;
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each(STORES)('blob store contract: %s', (name, open) => {
  it('imports a file, consuming it, and serves its size, bytes and ranges', async () => {
    const store = open();
    const data = randomBytes(100_000);
    const file = localFile(data);
    await store.importFile(file, 'originals/ab/one');
    expect(fs.existsSync(file)).toBe(false);
    expect(await store.size('originals/ab/one')).toBe(data.length);
    expect((await bytesOf(store.read('originals/ab/one'))).equals(data)).toBe(true);
    const part = await bytesOf(store.read('originals/ab/one', { start: 1000, end: 1999 }));
    expect(part.equals(data.subarray(1000, 2000))).toBe(true);
    const last = await bytesOf(
      store.read('originals/ab/one', { start: data.length - 1, end: data.length - 1 }),
    );
    expect(last.equals(data.subarray(data.length - 1))).toBe(true);
  });

  it('writes several objects together, lists them by prefix and deletes them', async () => {
    const store = open();
    const objects = [1, 2, 3].map((n) => ({
      key: `derivatives/0${n}/x-${n}.jpg`,
      data: randomBytes(500 * n),
    }));
    await store.writeAll(objects);
    await store.writeAll([{ key: 'originals/zz/other', data: randomBytes(10) }]);
    const keys: string[] = [];
    for await (const key of store.list('derivatives')) keys.push(key);
    expect(keys.sort()).toEqual(objects.map((o) => o.key).sort());
    for (const { key, data } of objects) expect((await bytesOf(store.read(key))).equals(data)).toBe(true);
    const [first] = keys.sort();
    await store.delete(first ?? '');
    expect(await store.size(first ?? '')).toBeNull();
    await store.delete(first ?? ''); // absent: not an error
  });

  it('answers null, a failing stream and a no-op delete for a missing key', async () => {
    const store = open();
    expect(await store.size('originals/00/missing')).toBeNull();
    await expect(bytesOf(store.read('originals/00/missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.delete('originals/00/missing');
    const keys: string[] = [];
    for await (const key of store.list('nothing-here')) keys.push(key);
    expect(keys).toEqual([]);
  });

  it('hands out a local file with the object bytes', async () => {
    const store = open();
    const data = randomBytes(70_000);
    await store.writeAll([{ key: 'originals/cd/local', data }]);
    const digest = await store.withLocalFile('originals/cd/local', (file) =>
      Promise.resolve(sha(fs.readFileSync(file))),
    );
    expect(digest).toBe(sha(data));
  });

  it('stores a large file (several multipart parts) bit for bit', async () => {
    const store = open();
    const data = randomBytes(12 * 1024 * 1024 + 12345);
    await store.importFile(localFile(data), `originals/ef/${sha(data)}`);
    expect(await store.size(`originals/ef/${sha(data)}`)).toBe(data.length);
    expect(sha(await bytesOf(store.read(`originals/ef/${sha(data)}`)))).toBe(sha(data));
    const tail = await bytesOf(
      store.read(`originals/ef/${sha(data)}`, { start: 11 * 1024 * 1024, end: data.length - 1 }),
    );
    expect(tail.equals(data.subarray(11 * 1024 * 1024))).toBe(true);
  });

  // S3 makes a PUT visible whole or not at all; s3rver, the S3 server these tests run, writes the object file in
  // place and answers before its write stream finished, so racing PUTs of different bytes can interleave there
  // (seen once on a loaded CI machine). Shoebox's keys are content hashes, so racing writers carry the same bytes.
  it.skipIf(name === 'S3')(
    'keeps one complete object when the same key is written concurrently',
    async () => {
      const store = open();
      const a = randomBytes(300_000);
      const b = randomBytes(300_000);
      await Promise.all([
        store.importFile(localFile(a), 'originals/11/same'),
        store.importFile(localFile(b), 'originals/11/same'),
        store.importFile(localFile(a), 'originals/11/same'),
      ]);
      const got = sha(await bytesOf(store.read('originals/11/same')));
      expect([sha(a), sha(b)]).toContain(got);
    },
  );
});

describe('S3 blob store checksums', () => {
  it('refuses an upload whose bytes were damaged in transit and leaves no object behind', async () => {
    const location = parseS3Location(s3.spec(`c${randomBytes(4).toString('hex')}`));
    const client = createS3Client(location);
    // Flips one byte of every request body after Content-MD5 was computed, as a bad link would.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        if (request.body instanceof Uint8Array && request.body.length > 0) {
          const damaged = Buffer.from(request.body);
          damaged.writeUInt8(damaged.readUInt8(0) ^ 0xff, 0);
          request.body = damaged;
        }
        return next(args);
      },
      { step: 'build', name: 'damage', priority: 'low' },
    );
    const store = createS3BlobStore(location, client);
    // s3rver ignores Content-MD5, so here the ETag check catches it; real services answer BadDigest first.
    const refused = /ETag|BadDigest|InvalidDigest/;
    await expect(store.importFile(localFile(randomBytes(50_000)), 'originals/aa/bad')).rejects.toThrow(
      refused,
    );
    await expect(
      store.writeAll([{ key: 'derivatives/aa/bad.jpg', data: randomBytes(5000) }]),
    ).rejects.toThrow();
    await expect(
      store.importFile(localFile(randomBytes(11 * 1024 * 1024)), 'originals/aa/bad-multipart'),
    ).rejects.toThrow(refused);
    const clean = createS3BlobStore(location);
    expect(await clean.size('originals/aa/bad')).toBeNull();
    expect(await clean.size('derivatives/aa/bad.jpg')).toBeNull();
    expect(await clean.size('originals/aa/bad-multipart')).toBeNull();
  });
});
