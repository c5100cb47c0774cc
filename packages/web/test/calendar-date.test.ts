import { afterEach, describe, expect, it } from 'vitest';
import { createFormatters } from '../src/i18n/format.ts';

const zone = process.env['TZ'];

describe('calendar dates (a sale or shipment date: no time, no zone)', () => {
  afterEach(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it('shows the day as written, in the reader’s format, even west of UTC', () => {
    // Node re-reads TZ when it is set: the formatters below are made in a zone where UTC midnight is the day before.
    process.env['TZ'] = 'America/Los_Angeles';
    const en = createFormatters('en-GB');
    // The instant formatter would move the day back: why calendar dates have their own.
    expect(en.date('2024-02-01')).toBe('31 Jan 2024');
    expect(en.calendarDate('2024-02-01')).toBe('1 Feb 2024');
    expect(createFormatters('zh-CN').calendarDate('2024-02-01')).toBe('2024年2月1日');
  });
});
