const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** A camera's wall-clock time (`YYYY-MM-DDTHH:mm:ss`, no zone) as a Date whose UTC fields are those digits. */
export function wallClockAsUtc(value: string): Date | null {
  const m = WALL_CLOCK.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
}

/** `YYYY-MM-DD` of an instant in the browser's time zone. */
export function localDayKey(date: Date): string {
  const mm = String(date.getMonth() + 1).padStart(2, '0');
  const dd = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${mm}-${dd}`;
}

function dayKeyAsUtc(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600e3],
  ['month', 30 * 24 * 3600e3],
  ['week', 7 * 24 * 3600e3],
  ['day', 24 * 3600e3],
  ['hour', 3600e3],
  ['minute', 60e3],
];

export interface Formatters {
  /** An instant, in the browser's time zone: "18 May 2024, 14:03". */
  dateTime: (value: string | Date) => string;
  date: (value: string | Date) => string;
  /** "18 May 2024" for `2024-05-18`: a calendar date with no time or zone (a sale date), never shifted a day. */
  calendarDate: (dayKey: string) => string;
  /** A camera wall-clock time, shown as written (not shifted to the browser's zone). */
  wallClock: (value: string) => string;
  /** "May 2024" for `2024-05`. */
  month: (monthKey: string) => string;
  /** "Sat 18 May" for `2024-05-18`, with the year when it is not the current one. */
  day: (dayKey: string) => string;
  relative: (value: string | Date, now?: number) => string;
  number: (value: number, fractionDigits?: number) => string;
  bytes: (value: number) => string;
}

/** `locale` is a BCP 47 tag: the UI language, refined by the browser's region when they agree (en-GB, zh-CN). */
export function createFormatters(locale: string): Formatters {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const calendarDate = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const wall = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const dayWithYear = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const thisYear = new Date().getFullYear();
  const toDate = (value: string | Date) => (typeof value === 'string' ? new Date(value) : value);

  return {
    dateTime: (value) => dateTime.format(toDate(value)),
    date: (value) => date.format(toDate(value)),
    calendarDate: (dayKey) => calendarDate.format(dayKeyAsUtc(dayKey)),
    wallClock(value) {
      const asUtc = wallClockAsUtc(value);
      return asUtc ? wall.format(asUtc) : value;
    },
    month: (monthKey) => month.format(dayKeyAsUtc(`${monthKey}-01`)),
    day(dayKey) {
      const value = dayKeyAsUtc(dayKey);
      return (value.getUTCFullYear() === thisYear ? day : dayWithYear).format(value);
    },
    relative(value, now = Date.now()) {
      const diff = toDate(value).getTime() - now;
      for (const [unit, ms] of RELATIVE_UNITS) {
        if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
      }
      return relative.format(0, 'minute');
    },
    number: (value, fractionDigits = 0) =>
      new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value),
    bytes(value) {
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
      let n = value;
      let i = 0;
      while (n >= 1000 && i < units.length - 1) {
        n /= 1000;
        i++;
      }
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: units[i],
        unitDisplay: 'short',
        maximumFractionDigits: i >= 2 ? 1 : 0,
      }).format(n);
    },
  };
}
