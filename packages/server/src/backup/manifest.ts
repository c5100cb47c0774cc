import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';

/** What a backup folder holds; written last, so an interrupted backup leaves the previous one valid. */
const FileEntry = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) });
export type FileEntry = z.infer<typeof FileEntry>;

const ManifestSchema = z.object({
  format: z.literal('shoebox-backup'),
  version: z.literal(1),
  createdAt: z.number().int(),
  database: FileEntry.extend({ file: z.string(), format: z.enum(['sqlite', 'pg_dump']) }),
  /** The audit log's signing key: without it a restored server cannot sign new checkpoints. */
  logKey: FileEntry.extend({ file: z.string() }).nullable(),
  /** Blob key → content; the object itself is `blobs/<key>`. */
  blobs: z.record(z.string(), FileEntry),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const MANIFEST = 'manifest.json';
/** Blob store key prefixes that hold data (everything the server writes). */
export const BLOB_PREFIXES = ['originals', 'derivatives'] as const;

export function blobPath(root: string, key: string): string {
  const full = path.resolve(root, 'blobs', key);
  if (!full.startsWith(path.resolve(root, 'blobs') + path.sep)) throw new Error(`Bad blob key ${key}`);
  return full;
}

export async function readManifest(root: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(root, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
  return ManifestSchema.parse(JSON.parse(text));
}

/** Writes the manifest and a `SHA256SUMS` that `sha256sum -c` checks without Shoebox. */
export async function writeManifest(root: string, manifest: Manifest): Promise<void> {
  const sums = [manifest.database, ...(manifest.logKey ? [manifest.logKey] : [])]
    .map((f) => `${f.sha256}  ${f.file}`)
    .concat(Object.entries(manifest.blobs).map(([key, f]) => `${f.sha256}  blobs/${key}`));
  await writeAtomically(path.join(root, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  await writeAtomically(path.join(root, MANIFEST), JSON.stringify(manifest));
}

/**
 * Copies what `open` reads to `target` (temp file, fsync, rename), hashing on the way. The source is opened only
 * once the target is ready and is read at once, so a source that fails (a vanished file) fails this call instead of
 * emitting an error nobody listens to.
 */
export async function copyHashed(open: () => Readable, target: string): Promise<FileEntry> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  const handle = await fsp.open(temp, 'wx');
  let size = 0;
  try {
    for await (const chunk of open()) {
      const buf = chunk as Buffer;
      hash.update(buf);
      size += buf.length;
      await handle.write(buf);
    }
    await handle.sync();
    await handle.close();
    await fsp.rename(temp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw err;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function hashFile(file: string): Promise<FileEntry> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await fsp.writeFile(temp, text, { flush: true });
  await fsp.rename(temp, file);
}
