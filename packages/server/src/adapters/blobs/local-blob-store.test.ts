import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from './local-blob-store.ts';

describe('local blob store: writeAll', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-blobs-'));
  const store = createLocalBlobStore(root);
  afterAll(() => fsp.rm(root, { recursive: true, force: true }));

  const keys = async (prefix: string) => {
    const found: string[] = [];
    for await (const key of store.list(prefix)) found.push(key);
    return found.sort();
  };

  it('stores each object whole, replacing an older version, and leaves no temporary file', async () => {
    await store.writeAll([{ key: 'derivatives/ab/abc-preview.jpg', data: Buffer.from('old preview') }]);
    await store.writeAll([
      { key: 'derivatives/ab/abc-thumbnail.jpg', data: Buffer.from('thumbnail') },
      { key: 'derivatives/ab/abc-preview.jpg', data: Buffer.from('new preview') },
      { key: 'derivatives/cd/cde-preview.jpg', data: Buffer.from('another folder') },
    ]);
    const read = (key: string) => fsp.readFile(path.join(root, key), 'utf8');
    expect(await read('derivatives/ab/abc-preview.jpg')).toBe('new preview');
    expect(await read('derivatives/ab/abc-thumbnail.jpg')).toBe('thumbnail');
    expect(await store.size('derivatives/cd/cde-preview.jpg')).toBe('another folder'.length);
    expect(await fsp.readdir(path.join(root, 'derivatives', 'ab'))).toEqual([
      'abc-preview.jpg',
      'abc-thumbnail.jpg',
    ]);
  });

  it('never lists a temporary file that a crash left behind as an object', async () => {
    await fsp.writeFile(path.join(root, 'derivatives', 'ab', '.abc-preview.jpg.1234.tmp'), 'half');
    expect(await keys('derivatives')).toEqual([
      'derivatives/ab/abc-preview.jpg',
      'derivatives/ab/abc-thumbnail.jpg',
      'derivatives/cd/cde-preview.jpg',
    ]);
  });

  it('refuses keys that leave the store', async () => {
    await expect(store.writeAll([{ key: '../outside', data: Buffer.from('x') }])).rejects.toThrow(/escapes/);
  });
});
