import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './blob-store.ts';
import { fsyncDir, writeFileSynced } from './fsync.ts';

/** A folder on the local disk. Objects are plain files; renames make writes atomic. */
export function createLocalBlobStore(root: string): BlobStore {
  fs.mkdirSync(root, { recursive: true });
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep))
      throw new Error(`Blob key escapes the store: ${key}`);
    return full;
  };

  return {
    async importFile(localPath, key) {
      const target = resolve(key);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(localPath, target);
      // The rename is durable only once the directory entry is on disk.
      await fsyncDir(path.dirname(target));
    },

    async writeAll(objects) {
      const targets = objects.map(({ key, data }) => ({ file: resolve(key), data }));
      const dirs = [...new Set(targets.map(({ file }) => path.dirname(file)))];
      await Promise.all(dirs.map((dir) => fsp.mkdir(dir, { recursive: true })));
      await Promise.all(targets.map(({ file, data }) => writeFileSynced(file, data)));
      await Promise.all(dirs.map(fsyncDir));
    },

    async size(key) {
      try {
        return (await fsp.stat(resolve(key))).size;
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    read(key, range?: ByteRange): Readable {
      return fs.createReadStream(resolve(key), range ? { start: range.start, end: range.end } : {});
    },

    async withLocalFile(key, use) {
      return use(resolve(key));
    },

    async delete(key) {
      await fsp.rm(resolve(key), { force: true });
    },

    async *list(prefix) {
      const base = resolve(prefix.endsWith('/') ? prefix : `${prefix}/`);
      yield* walk(base, (file) => path.relative(root, file).split(path.sep).join('/'));
    },
  };
}

async function* walk(dir: string, toKey: (file: string) => string): AsyncIterable<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, toKey);
    else if (entry.isFile() && !entry.name.startsWith('.')) yield toKey(full);
  }
}

export function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
