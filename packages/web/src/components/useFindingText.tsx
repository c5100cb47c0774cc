import { useMemo } from 'react';
import { explainFindingText, fleetFindingText, reasonText, type FindingLike } from '../i18n/finding-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { usePlaceName } from './usePlaceName.tsx';

/** Words shown for a finding: the reader's language, or the server's English (`english`: mark it `lang="en"`). */
export interface Said {
  text: string;
  english: boolean;
}

const said = (translated: string | null, english: string): Said =>
  translated === null ? { text: english, english: true } : { text: translated, english: false };

/** The server's findings and anomaly reasons in the reader's language, dates and places included. */
export function useFindingText() {
  const { locale, fmt } = useI18n();
  const placeName = usePlaceName();
  return useMemo(() => {
    const ctx = { locale, fmt, placeName };
    return {
      explain: (f: FindingLike & { text: string }) => said(explainFindingText(f, ctx), f.text),
      fleet: (f: FindingLike, english: string) => said(fleetFindingText(f, ctx), english),
      reason: (code: string | undefined, english: string) => said(reasonText(code, locale), english),
    };
  }, [locale, fmt, placeName]);
}
