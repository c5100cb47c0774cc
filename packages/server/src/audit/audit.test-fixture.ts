// The set-up most audit tests share, as vitest hooks: one migrated database per describe block, and before each test
// an empty log with its own AuditLog, checkpointer (signing key in a temp folder) and service.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { DialectName, Tx } from '../adapters/db/database.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import { createAuditService, type AuditService } from './audit.service.ts';
import { openAuditTestDb, resetAuditLog } from './audit.test-support.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';

export interface AuditFixture {
  db: TestDatabase;
  log: AuditLog;
  checkpointer: Checkpointer;
  service: AuditService;
}

const clock = { now: () => Date.now() };

/** Registers the hooks; the returned object holds the current test's database, log, checkpointer and service. */
export function auditFixture(dialect: DialectName): AuditFixture {
  const fx = {} as AuditFixture;
  let dir = '';
  beforeAll(async () => {
    fx.db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-'));
  });
  afterAll(async () => {
    await fx.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetAuditLog(fx.db);
    await fx.db.db.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
    fx.log = createAuditLog({ features: fx.db.features, clock });
    fx.checkpointer = createCheckpointer({
      db: fx.db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
      features: fx.db.features,
    });
    fx.service = createAuditService({ db: fx.db.db, log: fx.log, checkpointer: fx.checkpointer });
  });
  return fx;
}

/** Runs `body` in a transaction of `db` that stays open until `release()` is called. */
export function openTransaction<T>(db: TestDatabase, body: (trx: Tx) => Promise<T>) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let started: (value: T) => void = () => undefined;
  const ready = new Promise<T>((r) => (started = r));
  const done = db.db.transaction().execute(async (trx) => {
    const value = await body(trx);
    started(value);
    await gate;
    return value;
  });
  return { ready, done, release };
}
