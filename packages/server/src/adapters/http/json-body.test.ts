// Bad JSON bodies get a problem with a stable code, never a 500. Regressions: a body that was not JSON, or sent with
// another content type, failed with 500 `internal` on every route that takes JSON; a lone surrogate in an audit
// alarm's text failed with 500 when its canonical form refused it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { adminSession, expectProblem, type SignedIn } from '../../../test/support/api.ts';
import { illFormedText } from './json-body.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('JSON request bodies', () => {
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    owner = await adminSession(server.url);
  });
  afterAll(() => server.close());

  it('refuses a body that is not JSON with 400 bad_request', async () => {
    for (const text of ['{', 'garbage', '{"name": "x",}', '\u0000'])
      expectProblem(await owner.client.post('/api/albums', bytes(text), JSON_TYPE), 400, 'bad_request');
    // Before a session is even looked at, too.
    const anonymous = owner.client.withToken('');
    expectProblem(
      await anonymous.post('/api/auth/sign-in', bytes('{"email":'), JSON_TYPE),
      400,
      'bad_request',
    );
  });

  it('refuses an empty body where one is required, and a body of another type, with 4xx', async () => {
    expectProblem(await owner.client.post('/api/albums', bytes(''), JSON_TYPE), 400, 'bad_request');
    const plain = { 'content-type': 'text/plain' };
    expectProblem(
      await owner.client.post('/api/albums', bytes('{"name":"x"}'), plain),
      415,
      'unsupported_media_type',
    );
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expectProblem(
      await owner.client.post('/api/albums', bytes('name=x'), form),
      415,
      'unsupported_media_type',
    );
  });

  it('refuses text that is not valid Unicode, and stores nothing', async () => {
    const alarm = { problem: 'rolled-back', detail: '\udfff', earlier: null, later: 'x' };
    const refused = expectProblem(
      await owner.client.post('/api/audit/alarms', alarm),
      400,
      'validation_failed',
    );
    expect(refused.detail).toContain('$.detail');
    expectProblem(await owner.client.post('/api/albums', { name: 'a\ud800b' }), 400, 'validation_failed');
    const albums = await owner.client.get<{ items: unknown[] }>('/api/albums');
    expect(albums.body.items).toEqual([]);
    // Still a working route for well-formed text, astral characters included.
    expect((await owner.client.post('/api/albums', { name: 'Holiday 🏖️' })).status).toBe(201);
  });

  it('finds the first ill-formed string, in keys and nested values', () => {
    expect(illFormedText({ a: ['ok', { b: 'x\udc00' }] })).toBe('$.a[1].b');
    expect(illFormedText({ ['k\ud800']: 1 })).toBe('$ (a key)');
    expect(illFormedText({ a: '😀', b: [1, null, true] })).toBeNull();
  });
});
