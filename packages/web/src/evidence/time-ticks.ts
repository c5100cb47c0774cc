// Axis ticks for the explain timeline at round times of the browser's calendar (minutes up to decades).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type TickLevel = 'time' | 'day' | 'month' | 'year';

interface TickStep {
  level: TickLevel;
  approx: number;
  next: (d: Date) => void;
  align: (d: Date) => void;
}

const minutes = (n: number): TickStep => ({
  level: 'time',
  approx: n * MINUTE,
  next: (d) => d.setMinutes(d.getMinutes() + n),
  align: (d) => d.setMinutes(d.getMinutes() - (d.getMinutes() % n), 0, 0),
});
const hours = (n: number): TickStep => ({
  level: 'time',
  approx: n * HOUR,
  next: (d) => d.setHours(d.getHours() + n),
  align: (d) => d.setHours(d.getHours() - (d.getHours() % n), 0, 0, 0),
});
const days = (n: number): TickStep => ({
  level: 'day',
  approx: n * DAY,
  next: (d) => d.setDate(d.getDate() + n),
  align: (d) => d.setHours(0, 0, 0, 0),
});
const months = (n: number): TickStep => ({
  level: n >= 12 ? 'year' : 'month',
  approx: n * 30.4 * DAY,
  next: (d) => d.setMonth(d.getMonth() + n),
  align: (d) => {
    d.setHours(0, 0, 0, 0);
    d.setDate(1);
    d.setMonth(d.getMonth() - (d.getMonth() % Math.min(n, 12)));
    if (n > 12) d.setFullYear(d.getFullYear() - (d.getFullYear() % (n / 12)));
  },
});
const STEPS = [
  ...[1, 5, 15, 30].map(minutes),
  ...[1, 3, 6, 12].map(hours),
  ...[1, 2, 7, 14].map(days),
  ...[1, 3, 6, 12, 24, 60, 120].map(months),
];

/** Axis ticks at round local times, about one per `spacing` pixels of `width`. */
export function timeTicks(
  start: number,
  end: number,
  width: number,
  spacing = 70,
): { at: number; level: TickLevel }[] {
  const wanted = Math.max(1, Math.floor(width / spacing));
  const step = STEPS.find((s) => (end - start) / s.approx <= wanted) ?? STEPS[STEPS.length - 1];
  if (!step) return [];
  const d = new Date(start);
  step.align(d);
  const out: { at: number; level: TickLevel }[] = [];
  while (d.getTime() <= end && out.length <= wanted + 2) {
    if (d.getTime() >= start) out.push({ at: d.getTime(), level: step.level });
    step.next(d);
  }
  return out;
}
