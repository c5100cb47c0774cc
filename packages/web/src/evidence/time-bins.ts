// Counting times into bins of the browser's calendar: minutes, hours, local days, weeks from Monday, months.

export type BinUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const APPROX: Record<BinUnit, number> = {
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
  month: 30 * DAY,
};
const UNITS: BinUnit[] = ['minute', 'hour', 'day', 'week', 'month'];

/** The start of the bin holding `t`, on the browser's calendar (days begin at local midnight, weeks on Monday). */
export function binStart(t: number, unit: BinUnit): number {
  const d = new Date(t);
  if (unit === 'minute') return d.setSeconds(0, 0);
  if (unit === 'hour') return d.setMinutes(0, 0, 0);
  d.setHours(0, 0, 0, 0);
  if (unit === 'week') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  if (unit === 'month') d.setDate(1);
  return d.getTime();
}

/** The start of the bin after the one starting at `start`. */
export function binEnd(start: number, unit: BinUnit): number {
  const d = new Date(start);
  if (unit === 'minute') return start + MINUTE;
  if (unit === 'hour') return d.setHours(d.getHours() + 1);
  if (unit === 'day') return d.setDate(d.getDate() + 1);
  if (unit === 'week') return d.setDate(d.getDate() + 7);
  return d.setMonth(d.getMonth() + 1);
}

const QUARTER = 15 * MINUTE;

/**
 * `binStart` for many times: every zone's offset changes on a quarter hour, so the times of one quarter hour share
 * their bin, and times in order (as the report lists them) need a Date once per quarter hour, not once per photo.
 */
export function binStarts(unit: BinUnit): (t: number) => number {
  if (unit === 'minute') return (t) => t - (((t % MINUTE) + MINUTE) % MINUTE);
  let lastQuarter = NaN;
  let lastStart = 0;
  return (t) => {
    const quarter = Math.floor(t / QUARTER);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      lastStart = binStart(quarter * QUARTER, unit);
    }
    return lastStart;
  };
}

/** The finest unit that keeps the span within `maxBins` bins. */
export function binUnitFor(span: number, maxBins: number): BinUnit {
  return UNITS.find((u) => span / APPROX[u] <= maxBins) ?? 'month';
}
