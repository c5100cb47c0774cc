// No Vite-only imports here: the unit tests use it too.

const regionNames = new Map<string, Intl.DisplayNames | null>();
/** The country's name in the reader's language from the browser's own region names, or null. */
export function countryName(code: string, locale: string): string | null {
  if (!regionNames.has(locale)) {
    try {
      regionNames.set(locale, new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }));
    } catch {
      regionNames.set(locale, null);
    }
  }
  try {
    return regionNames.get(locale)?.of(code) ?? null;
  } catch {
    return null;
  }
}
