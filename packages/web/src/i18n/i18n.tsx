import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createFormatters, type Formatters } from './format.ts';
import { createTranslator, isLocale, matchLocale, type Locale, type Translator } from './translate.ts';

const STORAGE_KEY = 'shoebox.locale';

export interface I18n extends Translator {
  fmt: Formatters;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLocale(saved)) return saved;
  return matchLocale(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

/** Dates and numbers follow the browser's own variant of the chosen language (en-GB → 18 May), else the language. */
function formattingLocale(locale: Locale): string {
  const language = locale.slice(0, 2).toLowerCase();
  const preferred = navigator.languages.find((tag) => tag.toLowerCase().startsWith(language));
  return preferred ?? locale;
}

/** Follows the browser's language until the person picks one in the header; the pick is remembered. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({ ...createTranslator(locale), fmt: createFormatters(formattingLocale(locale)), setLocale }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() outside <I18nProvider>');
  return value;
}
