/** Where an S3 blob store lives, parsed from `s3://bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true`. */
export interface S3Location {
  bucket: string;
  /** Prepended to every key; empty or ending in `/`. */
  prefix: string;
  /** For S3-compatible services (Ceph RGW, MinIO, …); AWS when absent. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /**
   * `sha256` sends x-amz-checksum-sha256 (AWS, MinIO, Ceph ≥ 18 verify it). `md5` (the default) sends Content-MD5,
   * which every S3-compatible service verifies, and checks the returned ETag.
   */
  checksum: 'md5' | 'sha256';
  /** Multipart part size in bytes (S3's minimum is 5 MiB). */
  partSize: number;
}

const MIN_PART = 5 * 1024 * 1024;

export function parseS3Location(spec: string, env: NodeJS.ProcessEnv = process.env): S3Location {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error(`Invalid blob store URL ${spec}`);
  }
  if (url.protocol !== 's3:' || !url.hostname) throw new Error(`Not an s3://bucket URL: ${spec}`);
  const q = url.searchParams;
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  const checksum = q.get('checksum') ?? 'md5';
  if (checksum !== 'md5' && checksum !== 'sha256') throw new Error(`checksum must be md5 or sha256: ${spec}`);
  const partSize = Number(q.get('partSize') ?? 8 * 1024 * 1024);
  if (!Number.isInteger(partSize) || partSize < MIN_PART)
    throw new Error(`partSize must be an integer of at least ${MIN_PART} bytes: ${spec}`);
  const endpoint = q.get('endpoint') ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return {
    bucket: url.hostname,
    prefix: path ? `${path}/` : '',
    ...(endpoint ? { endpoint } : {}),
    region: q.get('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: q.get('forcePathStyle') === 'true',
    checksum,
    partSize,
  };
}
