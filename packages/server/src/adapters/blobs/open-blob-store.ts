import path from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';
import { parseS3Location } from './s3-location.ts';

/** The blob store a config names: `file:/path` (default `<dataDir>/blobs`) or `s3://bucket[/prefix]?…`. */
export function openBlobStore(config: { blobStore?: string | undefined; dataDir: string }): BlobStore {
  const spec = config.blobStore ?? `file:${path.join(config.dataDir, 'blobs')}`;
  if (spec.startsWith('file:')) return createLocalBlobStore(spec.slice('file:'.length));
  // Credentials come from the standard AWS variables (or profile), never from the URL.
  if (spec.startsWith('s3://')) return createS3BlobStore(parseS3Location(spec));
  throw new Error(`Unsupported blob store ${spec}: use file:/path or s3://bucket[/prefix]?endpoint=…`);
}
