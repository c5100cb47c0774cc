import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** fsync a directory so that a rename or create inside it survives power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to a temporary name beside `target`, fsyncs it and renames it over `target`, so a reader sees
 * the old file or the whole new one. The rename is durable only after `fsyncDir` of the target's folder, which
 * the caller does once for all the files it wrote there.
 */
export async function writeFileSynced(target: string, data: Uint8Array): Promise<void> {
  // A dot name, so a temporary file left by a crash is never taken for an object.
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw err;
  }
}
