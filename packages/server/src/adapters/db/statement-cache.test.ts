import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './database.ts';

describe('the SQLite statement cache', () => {
  const native = new SQLite(':memory:');
  native.exec('create table t (n integer)');
  native.prepare('insert into t (n) values (1), (2), (3)').run();
  afterEach(() => native.prepare('delete from t where n > 3').run());

  it('prepares each SQL text once and runs it again with other parameters', () => {
    const db = withStatementCache(native, 10);
    const sql = 'select n from t where n >= ? order by n';
    const first = db.prepare(sql);
    expect(db.prepare(sql)).toBe(first);
    expect(first.all([2])).toEqual([{ n: 2 }, { n: 3 }]);
    expect(db.prepare(sql).all([3])).toEqual([{ n: 3 }]);
    // A statement prepared before a write still sees it.
    db.prepare('insert into t (n) values (?)').run([4]);
    expect(db.prepare(sql).all([4])).toEqual([{ n: 4 }]);
  });

  it('gives a fresh statement while the cached one is still stepping through rows', () => {
    const db = withStatementCache(native, 10);
    const sql = 'select n from t order by n';
    const outer = db.prepare(sql);
    const seen: number[][] = [];
    for (const row of outer.iterate([]) as IterableIterator<{ n: number }>) {
      seen.push((db.prepare(sql).all([]) as { n: number }[]).map((r) => r.n).concat(row.n));
    }
    expect(seen).toEqual([
      [1, 2, 3, 1],
      [1, 2, 3, 2],
      [1, 2, 3, 3],
    ]);
    expect(db.prepare(sql)).toBe(outer);
  });

  it('keeps at most `size` statements, the least recently used going first, and no long ones', () => {
    const db = withStatementCache(native, 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    const long = `select ${Array.from({ length: 2000 }, (_, i) => i).join(', ')}`;
    expect(db.prepare(long)).not.toBe(db.prepare(long));
  });
});
