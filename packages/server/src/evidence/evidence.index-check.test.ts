// The server refuses to start when a row of the upload index no longer equals the log entry it names
// (evidence.index-check.ts), as it does for a tampered log; an untouched index starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceUploadsTable } from '../adapters/db/schema.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, approvedDevice } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { AuditIntegrityError } from '../audit/audit.tree.ts';
import { verifyUploadIndex } from './evidence.index-check.ts';

type Row = EvidenceUploadsTable;

const CASES: { name: string; alter: (rows: [Row, Row]) => Partial<Row> & { photo_id: string } }[] = [
  // One photo's logged upload lent to the other: its row now names the first photo's entry.
  {
    name: 'lend an upload entry to another photo',
    alter: ([a, b]) => ({ photo_id: b.photo_id, seq: a.seq }),
  },
  { name: 'change the SHA-256', alter: ([a]) => ({ photo_id: a.photo_id, sha256: '0'.repeat(64) }) },
  { name: 'name another device', alter: ([a, b]) => ({ photo_id: a.photo_id, device_id: b.device_id }) },
  { name: 'name another session', alter: ([a, b]) => ({ photo_id: a.photo_id, session_id: b.session_id }) },
  { name: 'change the address', alter: ([a]) => ({ photo_id: a.photo_id, ip: '203.0.113.9' }) },
  { name: 'name an entry beyond the log', alter: ([a]) => ({ photo_id: a.photo_id, seq: 1_000_000 }) },
];

describe.each(DIALECTS)('upload index checked at start-up (%s)', (dialect) => {
  let server: TestServer;
  let saved: [Row, Row];
  const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-keys-'));
  // Restarts re-derive the whole log: the rows altered here are older than the last (incremental) start-up check.
  const config = { logKeyFile: path.join(keys, 'log.key'), auditVerify: 'full' as const };
  const db = () => server.database.db;
  /** Another instance on the same database and key: what a restart of the server does first. */
  const restart = () => startTestServer(dialect, { database: server.database, config });

  beforeAll(async () => {
    server = await startTestServer(dialect, { config });
    const owner = await adminSession(server.url);
    const laptop = await approvedDevice(server.url, owner.client, owner.account.email, 'laptop');
    await owner.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'));
    await laptop.client.uploadOk(corpusFile('phones/htc-desire.jpg'));
    const rows = await db().selectFrom('evidence_uploads').selectAll().orderBy('seq').execute();
    expect(rows).toHaveLength(2);
    saved = rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) })) as [Row, Row];
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(keys, { recursive: true, force: true });
  });

  it('starts when every row equals its entry', async () => {
    expect(await verifyUploadIndex(db())).toEqual({ rows: 2 });
    const again = await restart();
    await again.close();
  });

  it.each(CASES)('refuses to start: $name', async ({ alter }) => {
    const { photo_id, ...change } = alter(saved);
    try {
      if (change.seq !== undefined)
        await db().deleteFrom('evidence_uploads').where('seq', '=', change.seq).execute(); // seq is unique
      await db().updateTable('evidence_uploads').set(change).where('photo_id', '=', photo_id).execute();
      const refused = restart();
      await expect(refused).rejects.toBeInstanceOf(AuditIntegrityError);
      await expect(refused).rejects.toThrow(/evidence_uploads row for photo .* was altered/);
      await expect(verifyUploadIndex(db())).rejects.toBeInstanceOf(AuditIntegrityError);
    } finally {
      await db().deleteFrom('evidence_uploads').execute();
      await db().insertInto('evidence_uploads').values(saved).execute();
    }
    expect(await verifyUploadIndex(db())).toEqual({ rows: 2 });
  });
});
