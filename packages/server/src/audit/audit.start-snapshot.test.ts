// The start-up pass reads one point in time. With several instances on one database, another instance may forget an
// account (account deletion) while this one starts: the key goes and the account's events are blanked, in one
// transaction. A pass reading across that commit saw the key before and blanked events after — which is what an
// operator blanking rows to hide them looks like — and refused to start. Through the snapshot it reads the log as it
// was and starts; a rewritten row still stops it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch, change, openAuditTestDb, resetAuditLog } from './audit.test-support.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';
import type { DerivedCheck } from './audit.verify.ts';

const clock = { now: () => Date.now() };
const silent = createLogger('silent');
/** More than one page of the pass (5,000 entries), so a commit can fall between two of its reads. */
const ENTRIES = 6000;

describe.each(DIALECTS)('start-up audit pass beside another instance (%s)', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let checkpointer: Checkpointer;
  let pages: number[];

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-start-snapshot-'));
  });
  beforeEach(async () => {
    await resetAuditLog(db);
    await db.db.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
    await db.db.deleteFrom('audit_halts').execute();
  });
  afterAll(async () => {
    await checkpointer.stop();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh log of two accounts; the returned one is forgotten by "another instance" after the pass's first page. */
  async function seed(): Promise<{ forgetAfterFirstPage: () => DerivedCheck }> {
    const gone = randomUUID();
    const log = createAuditLog({ features: db.features, clock });
    for (let done = 0; done < ENTRIES; done += 1000) await appendBatch(db, log, [gone, randomUUID()], 1000);
    checkpointer = createCheckpointer({
      db: db.db,
      log: silent,
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
    });
    expect((await checkpointer.signNow())?.size).toBe(ENTRIES);
    pages = [];
    const forgetAfterFirstPage = (): DerivedCheck => ({
      async page(_from, to) {
        pages.push(to);
        if (pages.length === 1) await db.db.transaction().execute((trx) => log.forgetAccount(trx, gone));
      },
      end: () => Promise.resolve(),
    });
    return { forgetAfterFirstPage };
  }

  it('without a snapshot, an account forgotten mid-pass reads as tampering (what the snapshot prevents)', async () => {
    const { forgetAfterFirstPage } = await seed();
    await expect(checkpointer.verifyOnStart({ full: true, derived: forgetAfterFirstPage })).rejects.toThrow(
      /was blanked but its account was not forgotten/,
    );
  });

  it('through the snapshot, starts while the account is forgotten, and its next pass sees it forgotten', async () => {
    const { forgetAfterFirstPage } = await seed();
    const start = { full: true, derived: forgetAfterFirstPage, readSnapshot: db.readSnapshot };
    await expect(checkpointer.verifyOnStart(start)).resolves.toBeUndefined();
    expect(pages).toEqual([5000, ENTRIES]);
    // The next start reads the forgotten account's tombstones as such.
    await expect(
      checkpointer.verifyOnStart({ full: true, readSnapshot: db.readSnapshot }),
    ).resolves.toBeUndefined();
  });

  it('does not put back the verified mark that a halt raised during the pass deleted', async () => {
    await seed();
    await checkpointer.verifyOnStart({ full: true, readSnapshot: db.readSnapshot });
    const mark = () => db.db.selectFrom('settings').select('key').where('key', '=', VERIFIED_MARK).execute();
    expect(await mark()).toHaveLength(1);
    // Another instance's full check finds a rewritten row while this start-up pass reads its (older) snapshot: the
    // halt deletes the mark so that the next start-up re-derives everything. The pass passes on what it read, but
    // must not write the mark back over the halt.
    let pages = 0;
    const haltMidPass = (): DerivedCheck => ({
      async page() {
        if (pages++ === 0) await checkpointer.halts.raise('a row was rewritten (found by another instance)');
      },
      end: () => Promise.resolve(),
    });
    const start = { full: true, derived: haltMidPass, readSnapshot: db.readSnapshot };
    await expect(checkpointer.verifyOnStart(start)).resolves.toBeUndefined();
    expect(await checkpointer.halts.openIn(db.db)).toBeDefined();
    expect(await mark()).toEqual([]);
  });

  it('through the snapshot, still refuses a rewritten row', async () => {
    await seed();
    await change(auditDb(db.db), 'audit_events', 4321);
    await expect(checkpointer.verifyOnStart({ full: true, readSnapshot: db.readSnapshot })).rejects.toThrow(
      'audit event 4321 does not open its leaf',
    );
  });
});
