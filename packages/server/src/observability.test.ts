import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/test-server.ts';
import { TestClient, adminSession, expectProblem } from '../test/support/api.ts';
import { corpusFile } from '../test/support/corpus.ts';

describe('observability', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.close());

  it('answers /healthz when ready, and echoes request ids', async () => {
    const reply = await new TestClient(server.url).get<{ status: string }>('/healthz', {
      'x-request-id': 'req-123',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ok');
    expect(reply.headers.get('x-request-id')).toBe('req-123');
  });

  it('exposes request latency, uploads, ingest queue depth and thumbnail failures to Prometheus', async () => {
    const admin = await adminSession(server.url);
    await admin.client.uploadOk(fs.readFileSync(corpusFile('malformed/truncated-50pct-apple-iphone4.jpg')));
    const metrics = await new TestClient(server.url).get<Buffer>('/metrics');
    const text = metrics.body.toString();
    expect(text).toMatch(/shoebox_http_request_duration_seconds_bucket\{[^}]*route="\/api\/photos"/);
    expect(text).toContain('shoebox_ingest_queue_depth');
    expect(text).toContain('shoebox_thumbnail_failures_total');
    expect(text).toContain('shoebox_uploads_total');
  });

  it('serves the OpenAPI document and a browsable reference', async () => {
    const client = new TestClient(server.url);
    const doc = await client.get<{ openapi: string }>('/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const page = await client.get<Buffer>('/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body.toString()).toContain('Shoebox API reference');
  });

  it('answers unknown API routes with a problem document', async () => {
    const reply = await new TestClient(server.url).get<{ code: string }>('/api/nope');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.code).toBe('not_found');
  });

  // Regression (f8c0862): the not-found answer was built from the internal-error problem with its code
  // overwritten, so its type URL still named `internal`.
  it('types an unmatched route’s problem as not-found, for GET and POST alike', async () => {
    const client = new TestClient(server.url);
    for (const [method, path] of [
      ['GET', '/api/no-such-thing'],
      ['POST', '/api/no-such-thing'],
    ] as const) {
      const reply = await client.call(method, path, method === 'POST' ? {} : undefined, {
        'x-request-id': `missing-${method}`,
      });
      const problem = expectProblem(reply, 404, 'not_found');
      expect(problem.type).toBe('https://shoebox.dev/problems/not-found');
      expect(problem.title).toBe('Not found');
      expect(problem.detail).toBe(`No route for ${method} ${path}.`);
      expect(problem.requestId).toBe(`missing-${method}`);
      expect(JSON.stringify(problem)).not.toContain('internal');
    }
  });
});
