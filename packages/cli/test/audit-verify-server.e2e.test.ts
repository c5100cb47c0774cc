// An admin has the server re-derive its whole audit log now: a clean log passes; an old row rewritten below the
// start-up mark is reported with an audit alarm's exit code, and the server stops signing until a passing run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { auditDb } from '../../server/src/audit/audit.db.ts';
import { encodeBody } from '../../server/src/audit/audit.codec.ts';
import { loadTerms, openRow } from '../../server/src/audit/audit.event-row.ts';
import { treeSize } from '../../server/src/audit/audit.tree.ts';
import { ALARM_EXIT } from '../src/audit-alarm.ts';
import { Device, cleanUp, createAccount, failed, ok } from './support/cli.ts';

interface VerifyJson {
  ok: boolean;
  size: number;
  root?: string;
  problem?: string;
}

describe('shoebox audit verify-server', { timeout: 120_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let user: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { config: { mediaWorkers: 0 } });
    admin = new Device(server.url, 'admin');
    user = new Device(server.url, 'user');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com', ['--device-name', 'Desk']);
    await createAccount(admin, 'user@example.com');
    await user.login('user@example.com', ['--device-name', 'Laptop']);
    ok(await user.run(['upload', corpusFile('cameras/casio-ex-z3.jpg')]));
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('passes a clean log, for admins only', async () => {
    expect(ok(await admin.run(['audit', 'verify-server']))).toMatch(
      /^Audit log verified: all \d+ entries re-derived, root [0-9a-f]{64}\.\nTook \d+ ms \(longest hold of the server's event loop: \d+ ms\)\.\n$/,
    );
    const json = await admin.json<VerifyJson>(['audit', 'verify-server']);
    expect(json).toMatchObject({ ok: true });
    expect(json.size).toBe(await treeSize(auditDb(server.database.db)));
    expect(failed(await user.run(['audit', 'verify-server']), 1)).toBe('Only an admin can do this.');
  });

  it('reports an old entry rewritten below the start-up mark with exit 3, and the server stops signing', async () => {
    const db = auditDb(server.database.db);
    const row = await db
      .selectFrom('audit_events')
      .select(['seq', 'kind', 'body', 'created_at'])
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    // A well-formed body with one more field: it decodes, but the text it rebuilds is not the committed one.
    const event = openRow(row, await loadTerms(db, [row]));
    if (!event) throw new Error('entry 1 has no body to rewrite');
    await db
      .updateTable('audit_events')
      .set({ body: encodeBody({ ...event.body, note: 'rewritten' }) })
      .where('seq', '=', 1)
      .execute();
    const run = await admin.run(['audit', 'verify-server']);
    expect(run.code).toBe(ALARM_EXIT);
    expect(run.stdout).toBe(
      "The server's audit log does not add up: audit event 1 does not open its leaf\n" +
        'The server has stopped signing checkpoints; its /healthz reports the problem.\n',
    );
    expect(run.stderr).toContain('AUDIT ALARM');
    expect(server.app.services.checkpointer.problem).toBe('audit event 1 does not open its leaf');
    expect((await new TestClient(server.url).get('/healthz')).status).toBe(503);

    // Once the row is put right, the admin's next passing run clears the halt and says so; signing resumes.
    await db.updateTable('audit_events').set({ body: row.body }).where('seq', '=', 1).execute();
    const again = ok(await admin.run(['audit', 'verify-server']));
    expect(again).toMatch(
      /\nSigning halt \d+ cleared \(audit event 1 does not open its leaf\); signing resumes\.\n$/,
    );
    expect(server.app.services.checkpointer.problem).toBeUndefined();
    expect((await new TestClient(server.url).get('/healthz')).status).toBe(200);
  });
});
