// One-round-trip appends (PostgreSQL's audit_append_one(), migration 0027): once the log knows an owner's key from a
// claim, a transaction's first append claims and writes in one call with the leaf computed in PostgreSQL. Its leaves
// must be byte for byte what makeLeaf computes, for any body text; a key it remembers wrongly (the account was
// forgotten, or its key was created in a transaction that rolled back) must claim nothing and fall back. SQLite has
// no such call: there the same appends take the claim path, and must verify the same.
import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import type { AuditInput } from './audit.kinds.ts';
import { derivedSalt, eventText, makeLeaf } from './audit.leaf.ts';
import { createAuditLog } from './audit.log.ts';
import { textAroundSeq } from './audit.append-one.ts';
import type { AuditAppendOneInput } from '../adapters/db/audit-append-one.ts';
import { auditFixture } from './audit.test-fixture.ts';
import { upload } from './audit.test-support.ts';

const AT = 1_795_000_000_123;

const place = (city: string, country: string, countryCode: string) => ({
  label: `${city}, ${country}`,
  city,
  region: null,
  country,
  countryCode,
  latitude: 47.37,
  longitude: 8.54,
  accuracyKm: 20,
});

/** An upload entry with fixed ids (each call the same text). */
const uploaded = (accountId: string, n: number, where: ReturnType<typeof place> | null): AuditInput => ({
  accountId,
  kind: 'photo.uploaded',
  body: {
    photoId: `p${n}`,
    sha256: 'ab'.repeat(32),
    deviceId: 'd1',
    sessionId: 's1',
    ip: '192.0.2.1',
    place: where,
  },
});
/** A body with no term values (no device, session or place): nothing of it needs the term dictionary. */
const removal = (accountId: string): AuditInput => ({
  accountId,
  kind: 'device.removed',
  body: { deviceId: null, sessionId: null, removedDeviceId: 'd', ip: null },
});

/** Bodies whose text stresses the split around seq and the UTF-8 the leaf hashes. */
const bodies = (accountId: string): AuditInput[] => [
  uploaded(accountId, 1, null),
  uploaded(accountId, 2, place('Zürich', 'Schweiz', 'CH')),
  uploaded(accountId, 3, place('東京', '日本', 'JP')),
  {
    accountId,
    kind: 'sign-in.failed',
    body: {
      ip: '2001:db8::1',
      place: place('São Paulo 📷', 'Brasil "seq":1, \\ \u0001', 'BR'),
      deviceId: null,
      factors: ['password', 'totp'],
      failedFactor: 'totp',
      reason: 'quote " backslash \\ "seq":1,"v":1}',
    },
  },
  {
    accountId,
    kind: 'device.removed',
    body: { deviceId: null, sessionId: null, removedDeviceId: 'd', ip: null },
  },
];

describe.each(DIALECTS)('audit appends in one round trip on %s', (dialect) => {
  const fx = auditFixture(dialect);
  let db: TestDatabase;
  let checkpointer: Checkpointer;
  beforeEach(() => ({ db, checkpointer } = fx));
  const q = () => auditDb(db.db);

  /** A log over the real features that counts claims and one-trip appends, on a fixed clock. */
  function countedLog() {
    const f: DbFeatures = db.features;
    const calls = { claim: 0, one: 0 };
    const sent: AuditAppendOneInput[] = [];
    const appendOne = f.auditAppendOne;
    const log = createAuditLog({
      features: {
        ...f,
        auditClaim: (...a) => (calls.claim++, f.auditClaim(...a)),
        ...(appendOne
          ? { auditAppendOne: (trx, input) => (calls.one++, sent.push(input), appendOne(trx, input)) }
          : {}),
      },
      clock: { now: () => AT },
    });
    return { log, calls, sent };
  }

  const keyOf = async (accountId: string) =>
    Buffer.from(
      (
        await q()
          .selectFrom('audit_keys')
          .select('key')
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).key,
    );

  it('a known owner appends in one call, and every leaf is the one makeLeaf computes', async () => {
    const alice = randomUUID();
    const { log, calls, sent } = countedLog();
    const seqs: number[] = [];
    // The first time each new term (a place) takes the claim path, which stores it; the second time all are known.
    const inputs = [...bodies(alice), ...bodies(alice)];
    for (const input of inputs)
      seqs.push((await db.db.transaction().execute((trx) => log.record(trx, input))).seq);
    expect(calls).toEqual(dialect === 'postgres' ? { claim: 4, one: 6 } : { claim: 10, one: 0 });
    const key = await keyOf(alice);
    // The key never leaves the database: nothing the call sends holds it or a pad made from it.
    const pads = [0x36, 0x5c].map((b) => Buffer.from(key.map((x) => x ^ b)));
    for (const input of sent)
      for (const value of Object.values(input))
        if (Buffer.isBuffer(value))
          for (const secret of [key, ...pads]) expect(value.includes(secret.subarray(0, 16))).toBe(false);
    const leaves = await q().selectFrom('audit_leaves').select(['seq', 'leaf']).orderBy('seq').execute();
    expect(leaves.map((l) => Number(l.seq))).toEqual(seqs);
    inputs.forEach((input, i) => {
      const seq = seqs[i] ?? -1;
      const expected = makeLeaf(key, seq, derivedSalt(key, seq), eventText(seq, AT, input));
      expect(Buffer.from(leaves[i]?.leaf ?? []).toString('hex')).toBe(expected.toString('hex'));
    });
    expect((await checkpointer.signNow())?.size).toBe(10);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('splits the committed text exactly around its seq', () => {
    for (const input of bodies(randomUUID())) {
      const { before, after } = textAroundSeq(AT, input);
      for (const seq of [0, 7, 12_345_678_901])
        expect(Buffer.concat([before, Buffer.from(String(seq)), after]).toString('utf8')).toBe(
          eventText(seq, AT, input),
        );
    }
  });

  it('a key remembered from a rolled-back claim claims nothing, and the append falls back to a new key', async () => {
    const carol = randomUUID();
    const { log, calls } = countedLog();
    await expect(
      db.db.transaction().execute(async (trx) => {
        await log.record(trx, removal(carol));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    const input = removal(carol);
    const { seq } = await db.db.transaction().execute((trx) => log.record(trx, input));
    expect(calls.claim).toBe(2);
    if (dialect === 'postgres') expect(calls.one).toBe(1); // tried with the rolled-back key, claimed nothing
    const key = await keyOf(carol);
    const stored = await q()
      .selectFrom('audit_leaves')
      .select('leaf')
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.leaf).toString('hex')).toBe(
      makeLeaf(key, seq, derivedSalt(key, seq), eventText(seq, AT, input)).toString('hex'),
    );
    // PostgreSQL: the rolled-back seq is a hole the signer voids on its second look; the whole log verifies.
    if (dialect === 'postgres') expect(seq).toBe(1);
    if (dialect === 'postgres') expect((await checkpointer.signNow())?.size ?? 0).toBe(0);
    expect((await checkpointer.signNow())?.size).toBe(seq + 1);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it("a forgotten account's remembered key claims nothing: the action finds no account, and no seq is left", async () => {
    const dave = randomUUID();
    // Two instances that both learnt the account's key; the first forgets the account.
    const { log, calls } = countedLog();
    const other = countedLog();
    await db.db.transaction().execute((trx) => log.record(trx, upload(dave, 1)));
    await db.db.transaction().execute((trx) => other.log.record(trx, removal(dave)));
    await db.db.transaction().execute(async (trx) => {
      await db.features.auditKeyLock(trx, dave);
      await log.forgetAccount(trx, dave);
    });
    // The forgetting instance no longer knows the owner; the other tries, finds no key, and claims nothing.
    await expect(db.db.transaction().execute((trx) => log.record(trx, removal(dave)))).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(calls.one).toBe(0);
    await expect(
      db.db.transaction().execute((trx) => other.log.record(trx, removal(dave))),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(other.calls.one).toBe(dialect === 'postgres' ? 1 : 0);
    expect(await q().selectFrom('audit_keys').select('key').where('account_id', '=', dave).execute()).toEqual(
      [],
    );
    await expect(checkpointer.signNow()).resolves.toMatchObject({ size: 2 });
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('32 concurrent one-call appends of 4 owners commit densely and verify', async () => {
    const owners = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const { log, calls } = countedLog();
    for (const owner of owners) await db.db.transaction().execute((trx) => log.record(trx, upload(owner, 0)));
    const seqs = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        db.db.transaction().execute((trx) => log.record(trx, upload(owners[i % 4] ?? null, i + 1))),
      ),
    );
    expect(calls).toEqual(dialect === 'postgres' ? { claim: 4, one: 32 } : { claim: 36, one: 0 });
    expect(seqs.map((s) => s.seq).sort((a, b) => a - b)).toEqual([...Array(32).keys()].map((i) => i + 4));
    expect((await checkpointer.signNow())?.size).toBe(36);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });
});
