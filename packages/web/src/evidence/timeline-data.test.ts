import { describe, expect, it } from 'vitest';
import { binStart, binUnitFor } from './time-bins.ts';
import { shapeTimeline, type Moment } from './timeline-data.ts';
import { timeTicks } from './time-ticks.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const lanes = [
  { id: 'phone', name: 'Pixel 8' },
  { id: 'laptop', name: 'Laptop' },
  { id: 'tablet', name: 'Tablet' },
];
const signIn = (deviceId: string, iso: string, seq: number): Moment => ({
  deviceId,
  at: at(iso),
  kind: 'sign-in',
  place: null,
  seq,
});

describe('shapeTimeline', () => {
  it('keeps a lane for every device, events or not, in the order given, and adds unknown ones after', () => {
    const shape = shapeTimeline({
      lanes,
      moments: [signIn('laptop', '2026-05-02T09:00:00', 7), signIn('phone', '2026-05-01T09:00:00', 3)],
      uploads: [{ deviceId: 'gone', at: at('2026-05-03T10:00:00') }],
      unlisted: [],
    });
    expect(shape?.lanes.map((l) => l.name)).toEqual(['Pixel 8', 'Laptop', 'Tablet', 'gone']);
    expect(shape?.lanes[2]).toMatchObject({ moments: [], bins: [], uploads: 0, first: null });
    expect(shape?.moments).toBe(2);
  });

  it('counts uploads into local-day bins over a month, one bin per day with uploads', () => {
    const uploads = [
      ...Array.from({ length: 5 }, (_, i) => ({
        deviceId: 'phone',
        at: at('2026-05-01T08:00:00') + i * HOUR,
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        deviceId: 'phone',
        at: at('2026-05-20T23:00:00') + i * 60_000,
      })),
      { deviceId: 'laptop', at: at('2026-05-10T12:00:00') },
    ];
    const shape = shapeTimeline({ lanes, moments: [], uploads, unlisted: [] });
    expect(shape?.unit).toBe('day');
    const phone = shape?.lanes[0];
    expect(phone?.bins.map((b) => b.count)).toEqual([5, 2]);
    expect(phone?.bins[0]?.start).toBe(binStart(at('2026-05-01T08:00:00'), 'day'));
    expect(phone?.bins[0] && phone.bins[0].end - phone.bins[0].start).toBe(DAY);
    expect(shape?.maxCount).toBe(5);
    expect(shape?.uploads).toBe(8);
  });

  it('uses minutes for uploads seconds apart, so a quick test run is not one bar', () => {
    const t = at('2026-05-01T08:00:00');
    const shape = shapeTimeline({
      lanes,
      moments: [],
      uploads: [0, 20_000, 130_000].map((d) => ({ deviceId: 'phone', at: t + d })),
      unlisted: [],
    });
    expect(shape?.unit).toBe('minute');
    expect(shape?.lanes[0]?.bins.map((b) => b.count)).toEqual([2, 1]);
  });

  it('shapes 100,000 uploads over three years into a few hundred bins, quickly', () => {
    const t0 = at('2023-01-01T00:00:00');
    // In time order, as the report lists each group's photos.
    const uploads = Array.from({ length: 100_000 }, (_, i) => ({
      deviceId: i % 3 === 0 ? 'laptop' : 'phone',
      at: t0 + i * 950_000,
    }));
    const began = performance.now();
    const shape = shapeTimeline({ lanes, moments: [], uploads, unlisted: [] });
    const took = performance.now() - began;
    expect(shape?.unit).toBe('week');
    const bins = shape?.lanes.reduce((n, l) => n + l.bins.length, 0) ?? 0;
    expect(bins).toBeLessThan(2 * 240);
    expect(shape?.lanes.reduce((n, l) => n + l.bins.reduce((c, b) => c + b.count, 0), 0)).toBe(100_000);
    // A loose bound (0.5–0.8 s measured here at load average 34 on 2 cores): one pass, no per-photo drawing.
    expect(took).toBeLessThan(2000);
  });

  it('counts uploads the report did not list into their lane and the range', () => {
    const shape = shapeTimeline({
      lanes,
      moments: [],
      uploads: [{ deviceId: 'phone', at: at('2026-05-01T08:00:00') }],
      unlisted: [
        { deviceId: 'phone', from: at('2026-05-02T08:00:00'), to: at('2026-06-01T08:00:00'), count: 900 },
      ],
    });
    expect(shape?.lanes[0]).toMatchObject({ uploads: 901, last: at('2026-06-01T08:00:00') });
    expect(shape?.end).toBeGreaterThan(at('2026-06-01T08:00:00'));
  });

  it('is null with nothing to draw', () => {
    expect(shapeTimeline({ lanes, moments: [], uploads: [], unlisted: [] })).toBeNull();
  });
});

describe('binUnitFor and timeTicks', () => {
  it('picks the finest unit within the bin budget', () => {
    expect(binUnitFor(3 * HOUR, 240)).toBe('minute');
    expect(binUnitFor(5 * DAY, 240)).toBe('hour');
    expect(binUnitFor(200 * DAY, 240)).toBe('day');
    expect(binUnitFor(1000 * DAY, 240)).toBe('week');
    expect(binUnitFor(20 * 365 * DAY, 240)).toBe('month');
  });

  it('puts ticks at round local times, fewer on a narrow chart', () => {
    const start = at('2026-01-01T00:00:00');
    const end = at('2026-12-31T00:00:00');
    const wide = timeTicks(start, end, 1200);
    const narrow = timeTicks(start, end, 320);
    expect(narrow.length).toBeLessThan(wide.length);
    expect(narrow.length).toBeGreaterThanOrEqual(2);
    for (const tick of wide) {
      const d = new Date(tick.at);
      expect([d.getDate(), d.getHours(), d.getMinutes()]).toEqual([1, 0, 0]);
      expect(tick.level).toBe('month');
    }
    const minutes = timeTicks(at('2026-05-01T08:03:00'), at('2026-05-01T09:10:00'), 600);
    expect(minutes.every((tick) => new Date(tick.at).getMinutes() % 15 === 0)).toBe(true);
    expect(minutes[0]?.level).toBe('time');
  });
});
