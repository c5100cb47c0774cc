import { describe, expect, it } from 'vitest';
import { parseS3Location } from './s3-location.ts';

describe('s3:// blob store URLs', () => {
  it('reads bucket, prefix, endpoint, region, path style, checksum and part size', () => {
    const spec =
      's3://photos/shoebox/prod/?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true&checksum=sha256&partSize=16777216';
    expect(parseS3Location(spec, {})).toEqual({
      bucket: 'photos',
      prefix: 'shoebox/prod/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      checksum: 'sha256',
      partSize: 16 * 1024 * 1024,
    });
  });

  it('defaults to AWS in the environment’s region, no prefix, MD5 checks and 8 MiB parts', () => {
    expect(parseS3Location('s3://photos', { AWS_REGION: 'us-west-2' })).toEqual({
      bucket: 'photos',
      prefix: '',
      region: 'us-west-2',
      forcePathStyle: false,
      checksum: 'md5',
      partSize: 8 * 1024 * 1024,
    });
  });

  it('refuses what it cannot use', () => {
    expect(() => parseS3Location('file:/tmp/x', {})).toThrow(/s3:\/\/bucket/);
    expect(() => parseS3Location('s3://b?checksum=crc32', {})).toThrow(/checksum/);
    expect(() => parseS3Location('s3://b?partSize=1000', {})).toThrow(/partSize/);
  });
});
