import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import type { Album } from '@shoebox/shared';

describe('scratch', () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer('postgres', { config: { mediaWorkers: 0 } });
    admin = await adminSession(server.url);
  });
  afterAll(() => server.close());
  it('probe', async () => {
    const p = await admin.client.uploadOk(corpusFile('cameras/gopro-hero6-8x8.jpg'));
    const a = (await admin.client.post<Album>('/api/albums', { name: 'x' })).body;
    const rs = await Promise.all(Array.from({ length: 8 }, () => admin.client.post(`/api/albums/${a.id}/photos`, { photoIds: [p.id] })));
    console.log(rs.map((r) => r.status));
    await admin.client.post(`/api/photos/${p.id}/trash`);
    console.log((await admin.client.get(`/api/albums/${a.id}/photos`)).body, (await admin.client.get(`/api/albums/${a.id}`)).body);
  });
});
