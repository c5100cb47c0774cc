// The full check reads through the adapter's snapshot reader: on SQLite a second, read-only connection, so the
// single writer connection keeps committing appends while the check is between pages (on the writer itself, an
// append awaited there would wait for the check's transaction to end, i.e. for ever). It still reads one point in
// time, and still catches a rewritten row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { createAuditFullCheck } from './audit.full-check.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch, change, openAuditTestDb } from './audit.test-support.ts';
import { treeSize } from './audit.tree.ts';
import type { DerivedCheck } from './audit.verify.ts';

const clock = { now: () => Date.now() };
const silent = createLogger('silent');
/** More than one page of the check (5,000 entries). */
const ENTRIES = 6000;

describe.each(DIALECTS)('full audit check beside the writer (%s)', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let checkpointer: Checkpointer;
  const accounts = [randomUUID(), null];
  const size = () => treeSize(auditDb(db.db));

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-snapshot-check-'));
    const log = createAuditLog({ features: db.features, clock });
    for (let done = 0; done < ENTRIES; done += 1000) await appendBatch(db, log, accounts, 1000);
    checkpointer = createCheckpointer({
      db: db.db,
      log: silent,
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
    });
    expect((await checkpointer.signNow())?.size).toBe(ENTRIES);
  }, 120_000);
  afterAll(async () => {
    await checkpointer.stop();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const check = (derived?: () => DerivedCheck) => {
    const log = createAuditLog({ features: db.features, clock });
    return createAuditFullCheck({
      readSnapshot: db.readSnapshot,
      checkpointer,
      audit: log,
      ...(derived ? { derived } : {}),
      clock,
      log: silent,
    });
  };

  it('lets appends commit between its pages, and reads the log as it was when it began', async () => {
    const appender = createAuditLog({ features: db.features, clock });
    const pages: number[] = [];
    let committedAt = 0;
    const between = (): DerivedCheck => ({
      async page(from, to) {
        pages.push(to);
        if (pages.length > 1) return;
        // Between the first page and the second: an append on the writer, awaited until it has committed. Were the
        // check holding the writer, the append would wait for it, and it for the append.
        const stuck = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the append waited for the check to end')), 5000).unref(),
        );
        await Promise.race([appendBatch(db, appender, accounts, 3), stuck]);
        committedAt = performance.now();
      },
      end: () => Promise.resolve(),
    });
    const result = await check(between).run();
    const finishedAt = performance.now();
    expect(pages).toEqual([5000, ENTRIES]);
    expect(committedAt).toBeGreaterThan(0);
    expect(committedAt).toBeLessThan(finishedAt);
    expect(await size()).toBe(ENTRIES);
    expect(await checkpointer.extendTree()).toBe(ENTRIES + 3);
    // The three new entries are not "beyond" what it read: it never saw them.
    expect(result).toMatchObject({ ok: true, size: ENTRIES });
  });

  it('still catches a rewritten row, and halts signing', async () => {
    await change(auditDb(db.db), 'audit_events', 4321);
    const result = await check().run();
    expect(result).toMatchObject({ ok: false, problem: 'audit event 4321 does not open its leaf' });
    expect(checkpointer.problem).toBe('audit event 4321 does not open its leaf');
    const halts = await db.db.selectFrom('audit_halts').select('reason').execute();
    expect(halts).toEqual([{ reason: 'audit event 4321 does not open its leaf' }]);
  });
});
