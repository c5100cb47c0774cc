import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Problem } from '@shoebox/shared';
import { CliError } from './output.ts';

export interface RequestOptions {
  json?: unknown;
  body?: ReadableStream<Uint8Array> | Uint8Array;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** Return the raw response instead of parsing JSON (downloads). */
  raw?: boolean;
  /**
   * How long to wait for the server to start answering, in ms; null: no limit. By default SHOEBOX_REQUEST_TIMEOUT
   * seconds (120), and no limit for a file body (the server answers an upload once it has it all).
   */
  answerWithinMs?: number | null;
}

const DEFAULT_ANSWER_S = 120;

/** The default wait for an answer, from SHOEBOX_REQUEST_TIMEOUT (seconds). */
function defaultAnswerMs(): number {
  const s = Number(process.env['SHOEBOX_REQUEST_TIMEOUT'] ?? DEFAULT_ANSWER_S);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_ANSWER_S) * 1000;
}

/** A thin HTTP client for the Shoebox API; every failure becomes a one-line CliError. */
export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (options.raw) return response as T;
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      // Most likely --server points at some other web server that answered with a page.
      throw new CliError(
        `The server at ${this.server} did not answer like a Shoebox server.`,
        1,
        'not_shoebox',
      );
    }
  }

  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    // Appended, not resolved: a server behind a proxy at https://host/shoebox keeps its /shoebox prefix.
    const url = new URL(`${this.server}/api${path}`);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body) {
      headers['content-type'] ??= 'application/octet-stream';
      body = options.body;
    }
    let response: Response;
    const streamed = body instanceof ReadableStream;
    // A file sent as the body (streamed, or in memory as the sync agent sends small ones) takes as long as the
    // link needs, and the server answers only once it has all of it: no limit there.
    const sendsFile = streamed || body instanceof Uint8Array;
    const within =
      options.answerWithinMs === undefined ? (sendsFile ? null : defaultAnswerMs()) : options.answerWithinMs;
    // Only until the answer starts: a download or a snapshot may then stream for as long as it takes.
    const abort = new AbortController();
    const timer = within === null ? undefined : setTimeout(() => abort.abort(), within);
    try {
      // Streaming request bodies need half-duplex in Node's fetch.
      const init: RequestInit & { duplex?: 'half' } = { method, headers, body, signal: abort.signal };
      if (streamed) init.duplex = 'half';
      response = await fetch(url, init);
    } catch (err) {
      if (abort.signal.aborted && within !== null)
        throw new CliError(
          `The Shoebox server at ${this.server} did not answer within ${Math.round(within / 1000)} s; it may be overloaded or stuck (SHOEBOX_REQUEST_TIMEOUT sets how long to wait).`,
          1,
          'timeout',
        );
      throw new CliError(
        `Cannot reach the Shoebox server at ${this.server} (${networkReason(err)}); is it running? Set --server or SHOEBOX_SERVER.`,
        1,
        'unreachable',
      );
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok && response.status !== 304) throw await toCliError(response, this.server);
    return response;
  }

  /** The session header, for the few transfers made below fetch (node:http costs half the CPU per MB). */
  authorization(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** Streams a file as the request body. */
  fileBody(file: string): ReadableStream<Uint8Array> {
    return Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  }
}

/** Gives the server's generic "not found" the id the user typed, so they know which of several was wrong. */
export async function orNotFound<T>(call: Promise<T>, message: string): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof CliError && err.code === 'not_found') throw new CliError(message, 1, 'not_found');
    throw err;
  }
}

/** Node's fetch hides the real reason (refused, unknown host…) in `cause`; name it in plain words. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const plain: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'name lookup failed',
    ETIMEDOUT: 'timed out',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
  };
  return plain[code] ?? (code || cause?.message || (err as Error).message);
}

/**
 * A refusal the server explained in a problem document. It fails like any CliError (one line, the detail); the
 * whole document is kept for the few commands that show its extra members (e.g. every bad row of an import).
 */
export class ProblemError extends CliError {
  constructor(
    message: string,
    readonly problem: Problem,
  ) {
    super(message, 1, problem.code);
  }
}

/** Shoebox explains every error in a problem document; anything else came from something in between. */
async function toCliError(response: Response, server: string): Promise<CliError> {
  return problemError(await response.text(), `${response.status} ${response.statusText}`, server);
}

/** The CliError for an error answer's body (a problem document, or anything else). */
export function problemError(text: string, statusLine: string, server: string): CliError {
  try {
    const problem = JSON.parse(text) as Problem;
    if (!problem.detail && !problem.title) throw new Error('not a problem document');
    // Missing or altered log rows: nothing the server says can be proven, which is an alarm (exit 3), not a failure.
    if (problem.code === 'audit_log_damaged')
      return new CliError(
        `AUDIT ALARM: the server says its audit log is damaged (${problem.detail}).`,
        3,
        problem.code,
      );
    return new ProblemError(problem.detail || problem.title, problem);
  } catch {
    const status = statusLine.trim();
    return new CliError(`The server at ${server} answered ${status} without saying why.`, 1, 'http_error');
  }
}
