import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { TickLevel } from './time-ticks.ts';
import type { BinUnit } from './timeline-data.ts';

export interface ChartFormats {
  dateTime: (at: number) => string;
  /** An axis label, as fine as the ticks' spacing: "14:30", "3 May", "May 2026", "2026". */
  tick: (at: number, level: TickLevel) => string;
  /** The time a bin covers: "3 May 2026, 14:00–15:00", "3 May 2026", "4–10 May 2026", "May 2026". */
  bin: (start: number, end: number, unit: BinUnit) => string;
}

/** Dates in the reader's language, refined by the browser's own region for it (as i18n.tsx does). */
export function chartFormats(language: string): ChartFormats {
  const prefix = language.slice(0, 2).toLowerCase();
  const locale = navigator.languages.find((tag) => tag.toLowerCase().startsWith(prefix)) ?? language;
  const make = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options);
  const dateTime = make({ dateStyle: 'medium', timeStyle: 'short' });
  const date = make({ dateStyle: 'medium' });
  const ticks: Record<TickLevel, Intl.DateTimeFormat> = {
    time: make({ hour: 'numeric', minute: '2-digit' }),
    day: make({ month: 'short', day: 'numeric' }),
    month: make({ year: 'numeric', month: 'short' }),
    year: make({ year: 'numeric' }),
  };
  const monthYear = make({ year: 'numeric', month: 'long' });
  return {
    dateTime: (at) => dateTime.format(at),
    tick: (at, level) => ticks[level].format(at),
    bin(start, end, unit) {
      if (unit === 'minute' || unit === 'hour') return dateTime.formatRange(start, end);
      if (unit === 'day') return date.format(start);
      if (unit === 'week') return date.formatRange(start, end - 1);
      return monthYear.format(start);
    },
  };
}

export function useChartFormats(): ChartFormats {
  const { locale } = useI18n();
  return useMemo(() => chartFormats(locale), [locale]);
}
