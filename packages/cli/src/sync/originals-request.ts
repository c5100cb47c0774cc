import http from 'node:http';
import https from 'node:https';
import type { OriginalsRequest } from '@shoebox/shared';
import { problemError, type ApiClient } from '../api-client.ts';
import { CliError } from '../output.ts';

/** Kept-alive connections, one per batch in flight: a catch-up makes dozens of these requests. */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * `POST /sync/originals` through node:http rather than fetch: the answer is most of a catch-up's bytes, and
 * fetch's Web streams cost about twice the CPU per MB here (the agent was CPU-bound on 3 MB photos). Failures
 * become the same CliErrors as ApiClient's, so the agent's retry rules hold.
 */
export function requestOriginals(client: ApiClient, body: OriginalsRequest): Promise<http.IncomingMessage> {
  const url = new URL(`${client.server}/api/sync/originals`);
  const secure = url.protocol === 'https:';
  const json = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          ...client.authorization(),
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(json)),
        },
      },
      (response) => {
        if (response.statusCode === 200) return resolve(response);
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk.slice(0, 100_000)));
        response.on('error', () => reject(unreachable(client, 'the answer broke off')));
        response.on('end', () =>
          reject(
            problemError(text, `${response.statusCode ?? ''} ${response.statusMessage ?? ''}`, client.server),
          ),
        );
      },
    );
    request.on('error', (err) => reject(unreachable(client, err.message)));
    request.end(json);
  });
}

const unreachable = (client: ApiClient, why: string) =>
  new CliError(`Cannot reach the Shoebox server at ${client.server} (${why}).`, 1, 'unreachable');

/** Chunks held before the answer is paused (TCP then holds the server back). */
const QUEUED = 16;

/**
 * The answer's chunks as they arrive. A Readable's own async iterator concatenates whatever is buffered into a
 * new buffer on each read: a copy of every byte (and garbage to collect) before the frames copy them again.
 */
export async function* arrivals(stream: http.IncomingMessage): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= QUEUED) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (err) => {
    failure ??= err;
    notify();
  });
  stream.on('close', () => {
    if (!ended) failure ??= new Error('the answer broke off');
    notify();
  });
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        if (queue.length < QUEUED / 4 && stream.isPaused()) stream.resume();
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!ended) stream.destroy();
  }
}
