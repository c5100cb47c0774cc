import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PAIR_PROFILE } from './test-profile.ts';
import { openDatabase, type DatabaseHandle, type DialectName } from '../../src/adapters/db/database.ts';
import { SCHEMA_DROP_LOCK } from '../../src/adapters/db/migrate.ts';

// The pair profile runs PostgreSQL only: the SQLite and single-instance runs are the default profile's.
export const DIALECTS: readonly DialectName[] = PAIR_PROFILE ? ['postgres'] : ['sqlite', 'postgres'];

/** The PostgreSQL every store test also runs on. Never skipped: if it is down, the tests fail. */
export const TEST_POSTGRES_URL =
  process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends DatabaseHandle {
  /** The URL (and schema) a server process would need to open the same database. */
  readonly url: string;
  readonly schema: string | undefined;
}

/** A fresh, migrated, empty database of the given dialect; removed again by close(). */
export async function openTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-db-'));
    const url = `sqlite:${path.join(dir, 'test.db')}`;
    const handle = await openDatabase({ url });
    return {
      ...handle,
      url,
      schema: undefined,
      close: async () => {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const handle = await openDatabase({ url: TEST_POSTGRES_URL, schema });
  return {
    ...handle,
    url: TEST_POSTGRES_URL,
    schema,
    close: async () => {
      await handle.close();
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        // Not while another file migrates: its migrator lists every schema's tables (SCHEMA_DROP_LOCK).
        await client.query('select pg_advisory_lock($1, $2)', [...SCHEMA_DROP_LOCK]);
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end(); // ends the session, and the lock with it
      }
    },
  };
}
