import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from './en.ts';
import { createTranslator, LOCALES } from './translate.ts';
import { zhCN } from './zh-CN.ts';

describe('plural messages (tn)', () => {
  it('picks the English singular for one and the plural for zero and many', () => {
    const { tn } = createTranslator('en');
    expect(tn('security.passkeys.endedSessions', 1)).toBe('1 other session signed out.');
    expect(tn('security.passkeys.endedSessions', 0)).toBe('0 other sessions signed out.');
    expect(tn('security.passkeys.endedSessions', 2)).toBe('2 other sessions signed out.');
    expect(tn('security.email.changed', 1, { email: 'ana@example.net' })).toBe(
      'You now sign in as ana@example.net; 1 other session signed out.',
    );
    expect(tn('security.recovery.remaining', 1)).toBe('1 unused recovery code.');
    expect(tn('fleet.import.done', 1, { imported: 1, duplicates: 0 })).toBe(
      '1 row: 1 imported, 0 already on record.',
    );
  });

  it('formats the count in the locale and uses the one form Chinese has', () => {
    expect(createTranslator('en').tn('explain.logSize', 12345)).toBe(
      'Checked against 12,345 audit-log entries.',
    );
    const { tn } = createTranslator('zh-CN');
    expect(tn('security.passkeys.endedSessions', 1)).toBe('已退出 1 个其他会话。');
    expect(tn('security.passkeys.endedSessions', 3)).toBe('已退出 3 个其他会话。');
  });

  // The `one` form may spell the number out ("A new device wants…"); the `other` form must show it.
  it('has every plural message with an `other` form showing `{count}` in every locale', () => {
    const keys = Object.keys(en) as MessageKey[];
    const bases = new Set(
      keys.filter((k) => /\.(zero|one|two|few|many)$/.test(k)).map((k) => k.replace(/\.\w+$/, '')),
    );
    expect(bases.size).toBeGreaterThan(5);
    for (const base of bases) {
      expect(keys, base).toContain(`${base}.other`);
      const other = `${base}.other` as MessageKey;
      for (const catalog of [en, zhCN]) expect(catalog[other], other).toContain('{count}');
    }
    expect(LOCALES).toEqual(['en', 'zh-CN']);
  });

  it('leaves no English count message without a singular form', () => {
    // A `{count}` followed by a plural noun ("{count} other sessions") reads wrongly for one.
    const unpaired = (Object.keys(en) as MessageKey[]).filter(
      (k) => !/\.(one|other)$/.test(k) && /\{count\} (\w+ ){0,2}\w+s\b/.test(en[k]),
    );
    expect(unpaired).toEqual([]);
  });
});
