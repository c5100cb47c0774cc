import type { OriginalHeader } from '@shoebox/shared';
import { CliError } from '../output.ts';

/** A header line is a few hundred bytes; anything much longer is not a Shoebox answer. */
const HEADER_MAX = 16 * 1024;

const cut = () =>
  new CliError('The connection to the server broke in the middle of a download.', 1, 'unreachable');
const malformed = (why: string) =>
  new CliError(`The server's answer with many photos was not understood (${why}).`, 1, 'not_shoebox');

/**
 * Reads the framed answer of `POST /sync/originals` (see ORIGINALS_TYPE): a header line, then exactly the size it
 * announces. The bytes are handed on as slices of the chunks that arrived, never gathered into one buffer: the
 * caller hashes and writes them as they come (a copy of every byte and a fresh multi-MB buffer per photo cost
 * the agent more CPU than the hash). Each photo's bytes must be read to the end before the next header.
 */
export class OriginalsReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private rest: Buffer = Buffer.alloc(0);

  constructor(body: AsyncIterable<Buffer>) {
    this.iterator = body[Symbol.asyncIterator]();
  }

  /** The next photo's header, or undefined where the answer ends cleanly (between two photos). */
  async header(): Promise<OriginalHeader | undefined> {
    let nl = this.rest.indexOf(10);
    while (nl === -1) {
      if (this.rest.length > HEADER_MAX) throw malformed('a header line too long');
      const next = await this.chunk();
      if (next === undefined) {
        if (this.rest.length > 0) throw cut();
        return undefined;
      }
      this.rest = this.rest.length === 0 ? next : Buffer.concat([this.rest, next]);
      nl = this.rest.indexOf(10);
    }
    const header = parseHeader(this.rest.subarray(0, nl).toString('utf8'));
    this.rest = this.rest.subarray(nl + 1);
    return header;
  }

  /** Exactly `size` bytes, as they arrive (slices, not copies). */
  async *bytes(size: number): AsyncGenerator<Buffer> {
    let left = size;
    while (left > 0) {
      if (this.rest.length === 0) {
        const next = await this.chunk();
        if (next === undefined) throw cut();
        this.rest = next;
      }
      const take = Math.min(left, this.rest.length);
      const part = this.rest.subarray(0, take);
      this.rest = this.rest.subarray(take);
      left -= take;
      yield part;
    }
  }

  /** Stopped early (a damaged photo, an error): the rest of the answer is not wanted, and the connection is freed. */
  async close(): Promise<void> {
    await this.iterator.return?.()?.catch(() => {});
  }

  /** A connection that breaks mid-answer is a transient failure (retried), whatever the stream calls it. */
  private async chunk(): Promise<Buffer | undefined> {
    const next = await this.iterator.next().catch((): never => {
      throw cut();
    });
    return next.done ? undefined : next.value;
  }
}

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
