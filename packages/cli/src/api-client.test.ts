// The wait for an answer: bounded for questions, unbounded for a file the server must first receive whole.
// Regression: the sync agent sends files up to 32 MB from memory; the 120 s limit covered their whole upload, and
// a timed-out upload was taken as a refusal and never retried.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.ts';
import { CliError } from './output.ts';
import { isTransient } from './sync/transient.ts';

describe('ApiClient answer timeout', () => {
  let server: http.Server;
  let url = '';
  const previous = process.env['SHOEBOX_REQUEST_TIMEOUT'];

  beforeAll(async () => {
    // Answers every request 1.5 s after it has read the whole body.
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 1500),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env['SHOEBOX_REQUEST_TIMEOUT'] = '1';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env['SHOEBOX_REQUEST_TIMEOUT'];
    else process.env['SHOEBOX_REQUEST_TIMEOUT'] = previous;
    server.close();
  });

  it('gives up on a question the server does not start answering in time, as a transient failure', async () => {
    const failure = await new ApiClient(url, 't').request('GET', '/server').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).code).toBe('timeout');
    expect(isTransient(failure)).toBe(true);
  });

  it('waits as long as it takes for a file sent from memory', async () => {
    const body = new Uint8Array(1024).fill(7);
    expect(await new ApiClient(url, 't').request('POST', '/photos', { body })).toEqual({ ok: true });
  });
});
