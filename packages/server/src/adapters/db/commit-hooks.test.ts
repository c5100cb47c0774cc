import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { afterCommit, beforeCommit } from './commit-hooks.ts';

describe.each(DIALECTS)('commit hooks on %s', (dialect) => {
  let db: TestDatabase;
  const count = async () =>
    Number(
      (
        await db.db
          .selectFrom('settings')
          .select((e) => e.fn.countAll().as('n'))
          .where('key', 'like', 'hook-%')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const put = (q: typeof db.db, key: string) =>
    q.insertInto('settings').values({ key, value: 'x' }).execute();

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
  });
  afterAll(() => db.close());

  it('runs hooks inside the transaction, in order, just before it commits', async () => {
    const order: string[] = [];
    await db.db.transaction().execute(async (trx) => {
      expect(
        await beforeCommit(trx, async () => {
          order.push('first');
          await put(trx, 'hook-a');
          // A hook registered by a hook runs too, after it.
          await beforeCommit(trx, async () => {
            order.push('third');
            await put(trx, 'hook-c');
          });
        }),
      ).toBe(true);
      await beforeCommit(trx, () => Promise.resolve(void order.push('second')));
      order.push('body');
    });
    expect(order).toEqual(['body', 'first', 'second', 'third']);
    expect(await count()).toBe(2);
  });

  it('rolls the transaction back when a hook throws, and forgets hooks of rolled-back transactions', async () => {
    await expect(
      db.db.transaction().execute(async (trx) => {
        await put(trx, 'hook-body');
        await beforeCommit(trx, () => Promise.reject(new Error('refused')));
      }),
    ).rejects.toThrow('refused');
    let ran = 0;
    await expect(
      db.db.transaction().execute(async (trx) => {
        await beforeCommit(trx, () => Promise.resolve(void ran++));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    // The pool hands the same connections out again: nothing left over runs in the next transactions.
    for (let i = 0; i < 12; i++) await db.db.transaction().execute((trx) => sql`select 1`.execute(trx));
    expect(ran).toBe(0);
    expect(await count()).toBe(2);
  });

  it('runs after-commit hooks once the transaction committed, and never for one that rolled back', async () => {
    const seen: string[] = [];
    await db.db.transaction().execute(async (trx) => {
      await put(trx, 'hook-after');
      expect(await afterCommit(trx, () => void seen.push('committed'))).toBe(true);
      // Registered by a before-commit hook: still after the commit.
      await beforeCommit(trx, async () => {
        await afterCommit(trx, () => void seen.push('from a hook'));
      });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['committed', 'from a hook']);
    expect(await count()).toBe(3);

    await expect(
      db.db.transaction().execute(async (trx) => {
        await afterCommit(trx, () => void seen.push('rolled back'));
        await beforeCommit(trx, () => Promise.reject(new Error('refused')));
      }),
    ).rejects.toThrow('refused');
    await expect(
      db.db.transaction().execute(async (trx) => {
        await afterCommit(trx, () => void seen.push('rolled back'));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    for (let i = 0; i < 12; i++) await db.db.transaction().execute((trx) => sql`select 1`.execute(trx));
    expect(seen).toEqual(['committed', 'from a hook']);
  });
});
