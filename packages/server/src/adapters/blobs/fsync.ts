import fsp from 'node:fs/promises';

/** fsync a directory so that a rename or create inside it survives power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
