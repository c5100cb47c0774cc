import { describe, expect, it } from 'vitest';
import { cleanText, parseCaptureDate, parseGps, parseOffset, parseOrientation } from './exif-values.ts';

describe('parseCaptureDate', () => {
  it('turns the EXIF form into ISO wall time and adds sub-seconds as milliseconds', () => {
    const problems: string[] = [];
    expect(parseCaptureDate('2021:05:18 14:42:24', '624', 'DateTimeOriginal', problems)).toEqual({
      local: '2021-05-18T14:42:24.624',
      offset: null,
      utc: false,
      wallMs: Date.UTC(2021, 4, 18, 14, 42, 24, 624),
    });
    // SubSecTime '27' is 0.27 s; digits beyond milliseconds are dropped.
    expect(parseCaptureDate('2025:08:10 19:02:53', '27', 'D', problems)?.local).toBe(
      '2025-08-10T19:02:53.270',
    );
    expect(parseCaptureDate('2024:01:25 05:51:34', '427000', 'D', problems)?.local).toBe(
      '2024-01-25T05:51:34.427',
    );
    expect(problems).toEqual([]);
  });

  it('reads XMP dates with a zone, keeping the zone apart from the wall time', () => {
    const problems: string[] = [];
    expect(parseCaptureDate('2013-07-05T03:18:27Z', undefined, 'XMP', problems)).toMatchObject({
      local: '2013-07-05T03:18:27',
      offset: null,
      utc: true,
    });
    expect(parseCaptureDate('2010-12-12T12:41:35.00+01:00', undefined, 'XMP', problems)).toMatchObject({
      local: '2010-12-12T12:41:35.000',
      offset: '+01:00',
      utc: false,
    });
    expect(parseCaptureDate('2005-12-17T22:03', undefined, 'XMP', problems)?.local).toBe(
      '2005-12-17T22:03:00',
    );
    expect(problems).toEqual([]);
  });

  it.each([
    ['blanks', '    :  :     :  :  '],
    ['zeros', '0000:00:00 00:00:00'],
    ['a zero-length string', ''],
    ['February 30th', '2021:02:30 10:00:00'],
    ['hour 24', '2021:02:03 24:00:00'],
    ['free text', 'yesterday'],
    ['a number', 1621374144],
  ])('rejects %s with a note', (_, value) => {
    const problems: string[] = [];
    expect(parseCaptureDate(value, undefined, 'DateTimeOriginal', problems)).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DateTimeOriginal .*\.$/);
  });

  it('says nothing about a date that is simply absent', () => {
    const problems: string[] = [];
    expect(parseCaptureDate(undefined, '123', 'DateTimeOriginal', problems)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('keeps years before 100 as they are (Date.UTC would move them to the 1900s)', () => {
    const year99 = new Date(0);
    year99.setUTCFullYear(99, 0, 1);
    const date = parseCaptureDate('0099:01:01 00:00:00', undefined, 'D', []);
    expect(date?.local).toBe('0099-01-01T00:00:00');
    expect(date?.wallMs).toBe(year99.getTime());
  });
});

describe('parseOffset', () => {
  it.each([
    ['+08:00', '+08:00'],
    ['-04:00', '-04:00'],
    ['+0530', '+05:30'],
    ['+14:00', '+14:00'],
  ])('accepts %s', (value, expected) => {
    expect(parseOffset(value, 'OffsetTime', [])).toBe(expected);
  });

  it('rejects nonsense with a note and ignores blanks silently', () => {
    const problems: string[] = [];
    expect(parseOffset('xx', 'OffsetTimeOriginal', problems)).toBeNull();
    expect(parseOffset('+15:00', 'OffsetTime', problems)).toBeNull();
    expect(parseOffset('   :  ', 'OffsetTime', problems)).toBeNull();
    expect(parseOffset(undefined, 'OffsetTime', problems)).toBeNull();
    expect(problems).toEqual([
      'OffsetTimeOriginal "xx" is not a valid UTC offset.',
      'OffsetTime "+15:00" is not a valid UTC offset.',
    ]);
  });
});

describe('parseOrientation', () => {
  it('keeps 1–8 and drops anything else with a note', () => {
    const problems: string[] = [];
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((o) => parseOrientation(o, problems))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(parseOrientation(0, problems)).toBeNull();
    expect(parseOrientation(9, problems)).toBeNull();
    expect(parseOrientation('6', problems)).toBeNull();
    expect(parseOrientation(undefined, problems)).toBeNull();
    expect(problems).toHaveLength(3);
  });
});

describe('parseGps', () => {
  it('signs coordinates by their reference', () => {
    const gps = {
      GPSLatitude: [0, 22.278, 0],
      GPSLatitudeRef: 'S',
      GPSLongitude: [122, 7, 48.16],
      GPSLongitudeRef: 'W',
    };
    const [latitude, longitude] = parseGps(gps, []) ?? [];
    expect(latitude).toBeCloseTo(-0.3713, 10);
    expect(longitude).toBeCloseTo(-(122 + 7 / 60 + 48.16 / 3600), 10);
  });

  it('treats 0,0 as no fix', () => {
    const problems: string[] = [];
    const zero = {
      GPSLatitude: [0, 0, 0],
      GPSLatitudeRef: 'N',
      GPSLongitude: [0, 0, 0],
      GPSLongitudeRef: 'E',
    };
    expect(parseGps(zero, problems)).toBeNull();
    expect(problems[0]).toMatch(/0,0/);
  });

  it('ignores incomplete and out-of-range positions, and is quiet about an empty GPS IFD', () => {
    const problems: string[] = [];
    expect(parseGps({ GPSLatitude: [48, 53.32, null], GPSLongitude: [21, 2.6, 0] }, problems)).toBeNull();
    expect(parseGps({ GPSLatitude: [91, 0, 0], GPSLongitude: [0, 0, 1] }, problems)).toBeNull();
    expect(parseGps({ GPSLatitude: [45, 0, 0] }, problems)).toBeNull();
    expect(problems).toHaveLength(3);
    expect(parseGps({}, problems)).toBeNull();
    expect(parseGps(undefined, problems)).toBeNull();
    expect(problems).toHaveLength(3);
  });
});

describe('cleanText', () => {
  it('cuts at the first NUL and trims', () => {
    expect(cleanText('ION230\u0000F')).toBe('ION230');
    expect(cleanText('  Canon  ')).toBe('Canon');
    expect(cleanText('\u0000\u0000')).toBeNull();
    expect(cleanText('   ')).toBeNull();
    expect(cleanText(42)).toBeNull();
  });
});
