// Two checkpointers on one database, as two instances run them: only the lease holder signs; the other takes
// over once the lease is handed back, and only after checking the head its predecessor left.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { signCheckpoint } from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbFeatures } from '../adapters/db/features.ts';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createLeaseStore } from '../jobs/lease.ts';
import { createLogger } from '../platform/logger.ts';
import { CHECKPOINT_LEASE, createCheckpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { loadOrCreateSigner } from './audit.keyfile.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch, openAuditTestDb } from './audit.test-support.ts';

const clock = { now: () => Date.now() };
const silent = createLogger('silent');

describe.each(DIALECTS)('audit signer lease on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  const log = createAuditLog({ features: dbFeatures(dialect), clock });
  const accounts = [randomUUID(), null];
  const instance = (holder: string) =>
    createCheckpointer({
      db: db.db,
      log: silent,
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
      lease: { holder, ttlMs: 60_000 },
    });

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-lease-'));
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs only on the lease holder, and moves on to the other once the holder hands the lease back', async () => {
    const one = instance('one');
    const two = instance('two');
    await appendBatch(db, log, accounts, 5);
    expect((await one.signNow())?.size).toBe(5);
    await appendBatch(db, log, accounts, 3);
    expect(await two.signNow()).toBeUndefined();
    expect((await one.latest())?.size).toBe(5);
    expect((await createLeaseStore().read(db.db, CHECKPOINT_LEASE))?.holder).toBe('one');
    await one.stop();
    // Two adopts one's checkpoint 5 (verified) and signs on from it.
    expect((await two.signNow())?.size).toBe(8);
    expect((await createLeaseStore().read(db.db, CHECKPOINT_LEASE))?.holder).toBe('two');
    expect(two.problem).toBeUndefined();
    await two.stop();
  });

  it('will not sign on from a head the stored tree does not match, even under the right key', async () => {
    const signer = loadOrCreateSigner(path.join(dir, 'log.key'));
    const holder = instance('three');
    await holder.signNow();
    const size = (await holder.latest())?.size ?? 0;
    // A checkpoint for one more entry than the tree will have, over a made-up root, with the deployment's key.
    const root = new Uint8Array(32).fill(7);
    const note = signCheckpoint(signer.key, { origin: signer.origin, size: size + 1, rootHash: root });
    await auditDb(db.db)
      .insertInto('audit_checkpoints')
      .values({ size: size + 1, root: Buffer.from(root), note, created_at: Date.now() })
      .execute();
    await appendBatch(db, log, accounts, 2);
    const next = instance('four');
    await holder.stop();
    expect(await next.signNow()).toBeUndefined();
    expect(next.problem).toMatch(/hashes to|not consistent/);
    expect((await next.latest())?.size).toBe(size + 1);
    await next.stop();
  });
});
