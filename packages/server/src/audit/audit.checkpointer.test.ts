import { dbFeatures } from '../adapters/db/features.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openCheckpoint, verifyConsistency, verifyInclusion, leafHash } from '@shoebox/shared/merkle/index';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { publicKeyFile } from './audit.keyfile.ts';
import { createAuditLog } from './audit.log.ts';
import { consistencyProof, inclusionProof, rootAt } from './audit.tree.ts';
import { appendBatch, openAuditTestDb } from './audit.test-support.ts';

const clock = { now: () => Date.now() };
const silent = createLogger('silent');

describe('audit signer key file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created 0600 outside the database on first start and reused after', async () => {
    const db = await openAuditTestDb('sqlite');
    try {
      const file = path.join(dir, 'keys', 'log.key');
      const first = createCheckpointer({ db: db.db, log: silent, signerKeyFile: file, clock });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(publicKeyFile(file), 'utf8').trim()).toBe(first.verifierKey);
      expect(first.origin).toMatch(/^shoebox\/audit\/[0-9a-f]{16}$/);
      const again = createCheckpointer({ db: db.db, log: silent, signerKeyFile: file, clock });
      expect(again.verifierKey).toBe(first.verifierKey);
      expect(() =>
        createCheckpointer({
          db: db.db,
          log: silent,
          signerKeyFile: file,
          origin: 'example.com/other',
          clock,
        }),
      ).toThrow(/origin/);
      fs.chmodSync(file, 0o644);
      expect(() => createCheckpointer({ db: db.db, log: silent, signerKeyFile: file, clock })).toThrow(
        /chmod 600/,
      );
    } finally {
      await db.close();
    }
  });
});

describe.each(DIALECTS)('audit checkpoints on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let checkpointer: Checkpointer;
  const log = createAuditLog({ features: dbFeatures(dialect), clock });
  const accounts = [randomUUID(), randomUUID(), null];

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-'));
    checkpointer = createCheckpointer({
      db: db.db,
      log: silent,
      signerKeyFile: path.join(dir, 'keys', 'log.key'),
      origin: 'test.example/audit/1',
      clock,
    });
    await checkpointer.verifyOnStart();
  });
  afterEach(() => checkpointer.stop());
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs a checkpoint within a second of an append', async () => {
    checkpointer.start();
    await expect.poll(() => checkpointer.latest(), { timeout: 1000 }).toMatchObject({ size: 0 });
    for (const count of [1, 40]) {
      const seqs = await appendBatch(db, log, accounts, count);
      const appended = Date.now();
      const last = (seqs.at(-1) ?? 0) + 1;
      await expect
        .poll(async () => (await checkpointer.latest())?.size, { timeout: 1000, interval: 20 })
        .toBe(last);
      expect(Date.now() - appended).toBeLessThan(1000);
    }
  });

  it('serves inclusion and consistency proofs that verify against signed checkpoints', async () => {
    const old = await checkpointer.signNow().then(async () => checkpointer.latest());
    await appendBatch(db, log, accounts, 75);
    await checkpointer.signNow();
    const cp = await checkpointer.latest();
    if (!old || !cp) throw new Error('no checkpoints');
    const opened = openCheckpoint(cp.note, checkpointer.verifierKey);
    if (!opened.ok) throw new Error(opened.reason);
    const { size, rootHash } = opened.checkpoint;
    expect(size).toBe(cp.size);
    const leaves = await auditDb(db.db).selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    for (const seq of [0, 1, 15, 16, 17, 31, 32, 63, 64, size - 2, size - 1]) {
      const leaf = leaves[seq]?.leaf ?? new Uint8Array();
      const proof = await inclusionProof(auditDb(db.db), seq, size);
      expect(verifyInclusion(leafHash(leaf), seq, size, proof, rootHash)).toEqual({ ok: true });
      // The same leaf must not verify at a neighbour's position.
      expect(verifyInclusion(leafHash(leaf), seq ^ 1, size, proof, rootHash).ok).toBe(false);
    }
    const oldOpened = openCheckpoint(old.note, checkpointer.verifierKey);
    if (!oldOpened.ok) throw new Error(oldOpened.reason);
    for (const from of [1, 2, 16, 17, old.size]) {
      const proof = await consistencyProof(auditDb(db.db), from, size);
      const root1 = await rootAt(auditDb(db.db), from);
      expect(verifyConsistency(from, size, proof, root1, rootHash)).toEqual({ ok: true });
    }
    const proof = await consistencyProof(auditDb(db.db), old.size, size);
    expect(verifyConsistency(old.size, size, proof, oldOpened.checkpoint.rootHash, rootHash)).toEqual({
      ok: true,
    });
    expect(Buffer.from(rootHash).equals(Buffer.from(cp.root))).toBe(true);
  });

  it('verifies on start, and refuses a key that did not sign the stored checkpoints', async () => {
    await checkpointer.signNow();
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    const stranger = createCheckpointer({
      db: db.db,
      log: silent,
      signerKeyFile: path.join(dir, 'other', 'log.key'),
      origin: 'test.example/audit/1',
      clock,
    });
    await expect(stranger.verifyOnStart()).rejects.toThrow(/does not verify/);
  });
});
