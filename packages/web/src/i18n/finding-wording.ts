// The tools finding-text.ts words the server's findings with: the catalogue of the reader's language, and readers
// of `params` that give up (Unexpected) when a param is not as expected, so the caller shows the English instead.
import type { PlaceLike } from '../components/place-names.ts';
import { enFindings } from './en.findings.ts';
import type { Formatters } from './format.ts';
import type { Locale } from './translate.ts';
import { zhCNFindings } from './zh-CN.findings.ts';

export type FindingKey = keyof typeof enFindings;
export const FINDING_CATALOGS: Record<Locale, { readonly [K in FindingKey]: string }> = {
  en: enFindings,
  'zh-CN': zhCNFindings,
};

export interface FindingLike {
  code: string;
  params: Readonly<Record<string, unknown>>;
}
export interface FindingContext {
  locale: Locale;
  fmt: Formatters;
  placeName: (place: PlaceLike) => string;
}

/** Params not as this client expects them: fall back to the server's English. */
export class Unexpected extends Error {}

export const isKey = (key: string): key is FindingKey => key in enFindings;

export function wording(f: FindingLike, ctx: FindingContext) {
  const catalog = FINDING_CATALOGS[ctx.locale];
  const plural = new Intl.PluralRules(ctx.locale);
  const p = f.params;
  const say = (key: FindingKey, values: Record<string, string | number> = {}) =>
    catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
  const sayN = (base: string, count: number, values: Record<string, string | number> = {}) => {
    const form = `${base}.${plural.select(count)}`;
    const key = isKey(form) ? form : `${base}.other`;
    if (!isKey(key)) throw new Unexpected(base);
    return say(key, { ...values, count: ctx.fmt.number(count) });
  };
  const str = (name: string) => {
    const v = p[name];
    if (typeof v !== 'string') throw new Unexpected(name);
    return v;
  };
  const opt = (name: string) => (p[name] === null || p[name] === undefined ? null : str(name));
  const num = (name: string) => {
    const v = p[name];
    if (typeof v !== 'number') throw new Unexpected(name);
    return v;
  };
  const strings = (name: string) => {
    const v = p[name];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Unexpected(name);
    return v;
  };
  const items = (name: string) => {
    const v = p[name];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null)) throw new Unexpected(name);
    return v as Record<string, unknown>[];
  };
  const place = (v: unknown): PlaceLike | null =>
    typeof v === 'object' && v !== null && typeof (v as { label?: unknown }).label === 'string'
      ? (v as PlaceLike)
      : null;
  const join = (parts: string[]) => parts.join(say('finding.list.separator'));
  const dateTime = (name: string) => ctx.fmt.dateTime(str(name));
  const day = (value: unknown) => (typeof value === 'string' ? ctx.fmt.calendarDate(value) : '?');
  const raw = (name: string): unknown => p[name];
  return { say, sayN, str, opt, num, strings, items, place, join, dateTime, day, raw, ctx };
}
export type Wording = ReturnType<typeof wording>;

export function renderFinding(
  table: Record<string, (w: Wording) => string>,
  f: FindingLike,
  ctx: FindingContext,
) {
  const word = Object.hasOwn(table, f.code) ? table[f.code] : undefined;
  if (!word) return null;
  try {
    return word(wording(f, ctx));
  } catch (err) {
    if (err instanceof Unexpected) return null;
    throw err;
  }
}

/** An anomaly reason in the reader's language, or null for a code this client does not know. */
export function reasonText(code: string | undefined, locale: Locale): string | null {
  const key = `finding.reason.${code ?? ''}`;
  return isKey(key) ? FINDING_CATALOGS[locale][key] : null;
}
