import { Readable } from 'node:stream';
import type { ByteRange } from '../../adapters/blobs/blob-store.ts';
import { AppError } from '../../errors.ts';
import type { AppContext } from './context.ts';

export interface Downloadable {
  size: number;
  etag: string;
  mime: string;
  fileName: string;
  read(range?: ByteRange): Readable;
}

/** Content-addressed bytes never change, so clients may cache them for a year. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

/** Serves bytes with ETag/If-None-Match, a single Range, and cache headers for immutable content. */
export function sendDownload(
  c: AppContext,
  file: Downloadable,
  disposition: 'inline' | 'attachment' = 'inline',
): Response {
  const headers: Record<string, string> = {
    'content-type': file.mime,
    etag: file.etag,
    'cache-control': IMMUTABLE,
    'accept-ranges': 'bytes',
    'content-disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
  };
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim() === file.etag || t.trim() === '*')) {
    return new Response(null, { status: 304, headers });
  }
  const rangeHeader = c.req.header('range');
  const ifRange = c.req.header('if-range');
  const range =
    rangeHeader && (!ifRange || ifRange === file.etag) ? parseRange(rangeHeader, file.size) : null;
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${file.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return new Response(toWeb(file.read(range)), { status: 206, headers });
  }
  headers['content-length'] = String(file.size);
  const body = c.req.method === 'HEAD' || file.size === 0 ? null : toWeb(file.read());
  return new Response(body, { status: 200, headers });
}

/** Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`; several ranges are answered with the whole file. */
export function parseRange(header: string, size: number): ByteRange | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, startText = '', endText = ''] = match;
  let start: number;
  let end: number;
  if (startText === '') {
    const suffix = Number(endText);
    if (!endText || suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(startText);
    // A range whose end comes before its start is not valid syntax: ignore it and send the whole file (RFC 9110).
    if (endText !== '' && Number(endText) < start) return null;
    end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  }
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): AppError {
  return new AppError('range_not_satisfiable', `The requested range is outside the file's ${size} bytes.`, {
    size,
  });
}

function toWeb(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}
