import type { OriginalHeader } from '@shoebox/shared';
import { CliError } from '../output.ts';

export type OriginalFrame =
  | { header: Extract<OriginalHeader, { error: string }> }
  | { header: Extract<OriginalHeader, { size: number }>; bytes: Buffer };

/** A header line is a few hundred bytes; anything much longer is not a Shoebox answer. */
const HEADER_MAX = 16 * 1024;

const cut = () =>
  new CliError('The connection to the server broke in the middle of a download.', 1, 'unreachable');
const malformed = (why: string) =>
  new CliError(`The server's answer with many photos was not understood (${why}).`, 1, 'not_shoebox');

/**
 * Reads the framed answer of `POST /sync/originals` (see ORIGINALS_TYPE): each photo's bytes are gathered into one
 * buffer of its announced size, at most `maxSize`, so the caller hashes and writes it in one go.
 */
export async function* originalFrames(
  body: AsyncIterable<Uint8Array>,
  maxSize: number,
): AsyncGenerator<OriginalFrame> {
  const iterator = body[Symbol.asyncIterator]();
  // A connection that breaks mid-answer is a transient failure (retried), whatever the stream calls it.
  const chunks = {
    next: () =>
      iterator.next().catch((): never => {
        throw cut();
      }),
    return: () => iterator.return?.(),
  };
  let rest: Buffer = Buffer.alloc(0);
  try {
    for (;;) {
      let nl = rest.indexOf(10);
      while (nl === -1) {
        if (rest.length > HEADER_MAX) throw malformed('a header line too long');
        const next = await chunks.next();
        if (next.done) {
          if (rest.length > 0) throw cut();
          return;
        }
        rest = rest.length === 0 ? asBuffer(next.value) : Buffer.concat([rest, next.value]);
        nl = rest.indexOf(10);
      }
      const header = parseHeader(rest.subarray(0, nl).toString('utf8'));
      rest = rest.subarray(nl + 1);
      if ('error' in header) {
        yield { header };
        continue;
      }
      if (header.size > maxSize) throw malformed(`photo ${header.id} announced as ${header.size} bytes`);
      const bytes = Buffer.allocUnsafe(header.size);
      let filled = rest.copy(bytes, 0, 0, Math.min(rest.length, header.size));
      rest = rest.subarray(filled);
      while (filled < header.size) {
        const next = await chunks.next();
        if (next.done) throw cut();
        const chunk = asBuffer(next.value);
        const take = Math.min(chunk.length, header.size - filled);
        chunk.copy(bytes, filled, 0, take);
        filled += take;
        if (take < chunk.length) rest = chunk.subarray(take);
      }
      yield { header, bytes };
    }
  } finally {
    // Stopped early (a damaged photo, an error): the rest of the answer is not wanted, and the connection is freed.
    await chunks.return()?.catch(() => {});
  }
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function parseHeader(text: string): OriginalHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('a header line is not JSON');
  }
  const h = value as Partial<Record<'id' | 'sha256' | 'error', unknown>> & { size?: unknown };
  if (typeof h.id !== 'string') throw malformed('a header without an id');
  if (h.error === 'gone' || h.error === 'missing') return { id: h.id, error: h.error };
  if (
    typeof h.sha256 !== 'string' ||
    typeof h.size !== 'number' ||
    !Number.isSafeInteger(h.size) ||
    h.size < 0
  )
    throw malformed(`the header of photo ${h.id}`);
  return { id: h.id, sha256: h.sha256, size: h.size };
}
