// Regression (found by the convergence property test on PostgreSQL): a trash or restore racing a permanent
// delete of the same photo answered 500 (a lock-order deadlock) or recorded a change for a photo already gone.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { loadTerms, readRow } from '../audit/audit.event-row.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';

const tiny = fs.readFileSync(corpusFile('cameras/nikon-e775-8x8.jpg'));

describe.each(DIALECTS)('racing changes to one photo (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    owner = await adminSession(server.url);
  });
  afterAll(() => server.close());

  it('answers a trash, restore or delete that loses a race with a delete with 404, and records one delete', async () => {
    for (let round = 0; round < 12; round++) {
      const photo = await owner.client.uploadOk(Buffer.concat([tiny, randomBytes(16)]));
      const replies = await Promise.all([
        owner.client.call('DELETE', `/api/photos/${photo.id}`),
        owner.client.post(`/api/photos/${photo.id}/trash`),
        owner.client.post(`/api/photos/${photo.id}/restore`),
        owner.client.call('DELETE', `/api/photos/${photo.id}`),
      ]);
      for (const reply of replies)
        expect([200, 204, 404], JSON.stringify(reply.body)).toContain(reply.status);
      expect(replies.filter((r) => r.status === 204)).toHaveLength(1);
      const changes = await server.database.db
        .selectFrom('changes')
        .select(['kind'])
        .where('entity_id', '=', photo.id)
        .orderBy('id')
        .execute();
      // Whatever won before the delete, the delete is the last change and there is exactly one.
      expect(changes.filter((c) => c.kind === 'photo.deleted')).toHaveLength(1);
      expect(changes.at(-1)?.kind).toBe('photo.deleted');
      // Bodies are stored packed: matched on the opened text, as the SQL LIKE on it did.
      const rows = await server.database.db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('kind', '=', kindCode('photo.deleted'))
        .execute();
      const terms = await loadTerms(server.database.db, rows);
      const deletions = rows.filter((r) => readRow(r, terms)?.text.includes(photo.id));
      expect(deletions).toHaveLength(1);
    }
  });
});
