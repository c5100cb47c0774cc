import { en, type MessageKey, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOGS: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

/** The `{name}` placeholders of an English template, as a union of names. */
type ParamsOf<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamsOf<Rest> : never;
type Values<P extends string> = [P] extends [never] ? [] : [values: Record<P, string | number>];

/** `t('key')` for a key without placeholders; `t('key', { name })` with exactly the key's placeholders. */
export type TArgs<K extends MessageKey> = Values<ParamsOf<(typeof en)[K]>>;

/** Keys whose message has no placeholders: `t(key)` needs nothing else. */
export type PlainKey = {
  [K in MessageKey]: [ParamsOf<(typeof en)[K]>] extends [never] ? K : never;
}[MessageKey];

/** Keys that have `.one` and `.other` forms, named without the suffix. */
export type PluralKey = { [K in MessageKey]: K extends `${infer Base}.other` ? Base : never }[MessageKey];
type OtherKey<B extends PluralKey> = Extract<`${B}.other`, MessageKey>;
/** Values besides `count` that a plural key needs. */
export type PluralArgs<B extends PluralKey> = Values<Exclude<ParamsOf<(typeof en)[OtherKey<B>]>, 'count'>>;

export interface Translator {
  locale: Locale;
  t: <K extends MessageKey>(key: K, ...args: TArgs<K>) => string;
  /** Picks the plural form for `count` with the locale's rules and fills `{count}` in. */
  tn: <B extends PluralKey>(base: B, count: number, ...args: PluralArgs<B>) => string;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first of the browser's languages that Shoebox speaks; any Chinese gets Simplified Chinese. */
export function matchLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const lower = language.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function fill(template: string, values: Record<string, string | number> | undefined): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

export function createTranslator(locale: Locale): Translator {
  const messages = CATALOGS[locale];
  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  return {
    locale,
    t(key, ...args) {
      return fill(messages[key], args[0]);
    },
    tn(base, count, ...args) {
      const form = `${base}.${plural.select(count)}`;
      const key = (form in messages ? form : `${base}.other`) as MessageKey;
      return fill(messages[key], { ...args[0], count: number.format(count) });
    },
  };
}
