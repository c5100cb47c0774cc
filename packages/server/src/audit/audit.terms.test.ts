import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonObject } from '@shoebox/shared/canonical-json';
import { DIALECTS } from '../../test/support/databases.ts';
import { auditDb } from './audit.db.ts';
import { loadTerms, openRow, ownerOf } from './audit.event-row.ts';
import type { AuditInput } from './audit.kinds.ts';
import { auditFixture, openTransaction } from './audit.test-fixture.ts';

const SHENZHEN = {
  label: 'Shenzhen, Guangdong, China',
  city: 'Shenzhen',
  region: 'Guangdong',
  country: 'China',
  countryCode: 'CN',
  latitude: 22.5455,
  longitude: 114.0683,
  accuracyKm: 50,
};

const photoIdOf = (input: AuditInput): unknown => (input.body as JsonObject)['photoId'];

/** What an upload from one phone's session records (the real shape: UUIDs, a SHA-256, an address, its place). */
function uploads(
  accountId: string,
  n: number,
  deviceId = randomUUID(),
  sessionId = randomUUID(),
): AuditInput[] {
  return Array.from({ length: n }, (_, i) => ({
    accountId,
    kind: 'photo.uploaded',
    body: {
      photoId: randomUUID(),
      sha256: createHash('sha256').update(`${accountId}-${i}`).digest('hex'),
      deviceId,
      sessionId,
      ip: '14.215.177.38',
      place: SHENZHEN,
    },
  }));
}

describe.each(DIALECTS)('audit terms on %s', (dialect) => {
  const fx = auditFixture(dialect);
  const q = () => auditDb(fx.db.db);
  const record = (input: AuditInput) => fx.db.db.transaction().execute((trx) => fx.log.record(trx, input));

  const termCount = async (accountId: string) =>
    (await q().selectFrom('audit_terms').select('no').where('owner', '=', ownerOf(accountId)).execute())
      .length;

  /** Every stored event of the account, opened with its terms, as what was committed. */
  async function stored(accountId: string) {
    const rows = await q()
      .selectFrom('audit_events')
      .select(['seq', 'kind', 'body', 'created_at'])
      .where('owner', '=', ownerOf(accountId))
      .orderBy('seq')
      .execute();
    const terms = await loadTerms(q(), rows);
    return rows.map((r) => ({ bytes: r.body?.length ?? 0, body: openRow(r, terms)?.body }));
  }

  it('stores the device, session and place of a session once, and every event reads back as committed', async () => {
    const alice = randomUUID();
    const inputs = uploads(alice, 40);
    for (const input of inputs.slice(0, 20)) await record(input);
    await fx.db.db.transaction().execute((trx) => fx.log.recordMany(trx, inputs.slice(20)));

    expect(await termCount(alice)).toBe(3);
    const events = await stored(alice);
    expect(events.map((e) => canonicalJson(e.body as JsonObject))).toEqual(
      inputs.map((i) => canonicalJson(i.body)),
    );
    // Inline, the place alone took ~100 bytes and the two ids 17 each.
    for (const e of events) expect(e.bytes).toBeLessThan(75);
    await fx.checkpointer.signNow();
    await expect(fx.checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('keeps accounts apart: the same values logged by two accounts are two accounts’ terms', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const device = randomUUID();
    const session = randomUUID();
    await record(uploads(alice, 1, device, session)[0] as AuditInput);
    await record(uploads(bob, 1, device, session)[0] as AuditInput);
    expect([await termCount(alice), await termCount(bob)]).toEqual([3, 3]);
    expect((await stored(bob))[0]?.body?.['deviceId']).toBe(device);
  });

  it('a rolled-back action leaves no term behind, and the next action stores its terms again', async () => {
    const alice = randomUUID();
    const [first, second] = uploads(alice, 2);
    if (!first || !second) throw new Error('unreachable');
    await expect(
      fx.db.db.transaction().execute(async (trx) => {
        await fx.log.record(trx, first);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await termCount(alice)).toBe(0);
    // The same log instance: a term number remembered from the rolled-back transaction would name nothing now.
    await record(second);
    expect(await termCount(alice)).toBe(3);
    expect((await stored(alice)).map((e) => e.body?.['photoId'])).toEqual([photoIdOf(second)]);
    await fx.checkpointer.signNow();
    await expect(fx.checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('forgetting an account deletes its terms with its key; other accounts keep theirs', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    for (const input of [...uploads(alice, 3), ...uploads(bob, 3)]) await record(input);
    await fx.log.forgetAccount(fx.db.db, alice);
    expect([await termCount(alice), await termCount(bob)]).toEqual([0, 3]);
    expect((await stored(alice)).every((e) => e.body === undefined)).toBe(true);
    await fx.checkpointer.signNow();
    await expect(fx.checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it.runIf(dialect === 'postgres')(
    'two transactions storing the same new term at once both commit, naming the one stored term',
    async () => {
      const alice = randomUUID();
      const [a, b] = uploads(alice, 2);
      if (!a || !b) throw new Error('unreachable');
      // The second cannot see the first's uncommitted terms: its insert waits on the unique index until the first
      // commits, then finds the terms the first stored.
      const first = openTransaction(fx.db, (trx) => fx.log.record(trx, a));
      await first.ready;
      const second = fx.db.db.transaction().execute((trx) => fx.log.record(trx, b));
      await new Promise((r) => setTimeout(r, 100));
      first.release();
      await Promise.all([first.done, second]);
      expect(await termCount(alice)).toBe(3);
      const events = await stored(alice);
      expect(events.map((e) => e.body?.['photoId']).sort()).toEqual([photoIdOf(a), photoIdOf(b)].sort());
      await fx.checkpointer.signNow();
      await expect(fx.checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    },
  );

  it.runIf(dialect === 'postgres')(
    'a term committed during a full check, with an event in a hole the check had passed, is no alarm',
    async () => {
      const alice = randomUUID();
      // Her key exists (a second claim would otherwise wait for the first to commit it).
      await record(uploads(alice, 1)[0] as AuditInput);
      // Another instance's action claims a seq and stores new terms, and commits only after the check read past it.
      const slow = openTransaction(fx.db, (trx) => fx.log.record(trx, uploads(alice, 1)[0] as AuditInput));
      await slow.ready;
      const later = uploads(alice, 1)[0] as AuditInput;
      await record({ ...later, body: { ...(later.body as JsonObject), place: null } } as AuditInput);
      let released = false;
      const head = await fx.checkpointer.verifyAll(fx.db.db, {
        async page() {
          if (released) return;
          released = true;
          slow.release();
          await slow.done;
        },
        end: () => Promise.resolve(),
      });
      expect(released).toBe(true);
      expect(head.size).toBeGreaterThanOrEqual(0);
      // And the term is there, named by the event that came late.
      expect(await termCount(alice)).toBe(7);
    },
  );
});
