import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Link } from '../app/router.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ACTIVITY_KINDS } from '@shoebox/shared/api/activity-kinds';
import { checkCitations, type CiteCheck, type CiteState } from './cite-verify.ts';
import type { Citation } from './report-types.ts';

/** At most this many citations are shown (and checked) per statement; the rest are counted. */
export const SHOWN_CITES = 6;

const CiteContext = createContext<CiteCheck | null>(null);

/** The citations a statement shows: what CiteLinks renders, and so what the page checks. */
export const shownCites = (cites: readonly (Citation | null)[]): Citation[] =>
  distinct(cites).slice(0, SHOWN_CITES);

/** Each entry once (a first device's sign-in is also its approval), in the order given. */
function distinct(cites: readonly (Citation | null)[]): Citation[] {
  const seen = new Map<number, Citation>();
  for (const c of cites) if (c && !seen.has(c.seq)) seen.set(c.seq, c);
  return [...seen.values()];
}

type Check = { kind: 'checking' } | { kind: 'done'; check: CiteCheck } | { kind: 'error'; reason: string };

/** Checks the page's citations once, in this browser; the links and the entry list show the outcome. */
export function useCiteCheck(cites: readonly Citation[]): Check {
  const [state, setState] = useState<Check>({ kind: 'checking' });
  const key = [...new Set(cites.map((c) => c.seq))].sort((a, b) => a - b).join(',');
  useEffect(() => {
    let live = true;
    if (cites.length === 0) {
      setState({ kind: 'done', check: { size: 0, entries: new Map() } });
      return;
    }
    setState({ kind: 'checking' });
    checkCitations(cites)
      .then((check) => live && setState({ kind: 'done', check }))
      .catch(
        (err: unknown) =>
          live && setState({ kind: 'error', reason: err instanceof Error ? err.message : String(err) }),
      );
    return () => {
      live = false;
    };
    // `key` stands for the citations: a new array of the same ones is no reason to check again.
  }, [key]);
  return state;
}

export function CiteProvider({ check, children }: { check: CiteCheck | null; children: ReactNode }) {
  return <CiteContext.Provider value={check}>{children}</CiteContext.Provider>;
}

function StateBadge({ state }: { state: CiteState | undefined }) {
  const { t } = useI18n();
  if (!state) return null;
  return <span className={`audit-state audit-state--${state}`}>{t(`audit.state.${state}`)}</span>;
}

/** "Audit entries #12, #13 (+40 more)": each a link to the entry in the list at the foot of the page. */
export function CiteLinks({ cites, bare = false }: { cites: readonly (Citation | null)[]; bare?: boolean }) {
  const { t, tn } = useI18n();
  const check = useContext(CiteContext);
  const all = distinct(cites);
  if (all.length === 0) return null;
  const shown = shownCites(all);
  return (
    <span className="cites">
      {bare ? null : <span className="cites__label">{t('explain.cites')}</span>}
      {shown.map((c) => {
        const state = check?.entries.get(c.seq)?.state;
        return (
          <a
            key={c.seq}
            href={`#entry-${c.seq}`}
            className={`cite${state ? ` cite--${state}` : ''}`}
            aria-label={t('explain.citeLabel', { seq: c.seq, state: state ? t(`audit.state.${state}`) : '' })}
          >
            #{c.seq}
          </a>
        );
      })}
      {all.length > shown.length ? <span>{tn('explain.moreCites', all.length - shown.length)}</span> : null}
    </span>
  );
}

const isActivity = (kind: string): kind is (typeof ACTIVITY_KINDS)[number] =>
  (ACTIVITY_KINDS as readonly string[]).includes(kind);

/** Every cited entry with its check: the targets of the page's citation links. */
export function CitedEntries({ cites, state }: { cites: readonly Citation[]; state: Check }) {
  const { t, fmt } = useI18n();
  const unique = [...new Map(cites.map((c) => [c.seq, c])).values()].sort((a, b) => a.seq - b.seq);
  const check = state.kind === 'done' ? state.check : null;
  const kindName = (kind: string) =>
    isActivity(kind)
      ? t(`activity.kind.${kind}`)
      : kind in KIND_KEYS
        ? t(KIND_KEYS[kind] ?? 'explain.none')
        : kind;
  return (
    <section className="card explain-page__section" aria-labelledby="explain-entries">
      <h2 id="explain-entries">{t('explain.entries.title')}</h2>
      <p className="explain-page__muted">
        {state.kind === 'checking' && unique.length > 0 ? t('explain.entries.checking') : null}
        {unique.length === 0 ? t('explain.entries.none') : null}
        {check && unique.length > 0 ? t('explain.entries.checked', { size: check.size }) : null}
        {state.kind === 'error' ? t('explain.entries.couldNotCheck', { reason: state.reason }) : null}{' '}
        <Link href="/security">{t('explain.entries.activity')}</Link>
      </p>
      <ol className="entries" data-testid="explain-entries">
        {unique.map((c) => {
          const entry = check?.entries.get(c.seq);
          return (
            <li key={c.seq} id={`entry-${c.seq}`} className="entries__item" tabIndex={-1}>
              <span className="mono">#{c.seq}</span> {kindName(c.kind)}
              {entry?.at ? ` · ${fmt.dateTime(new Date(entry.at))}` : ''} <StateBadge state={entry?.state} />{' '}
              <Link
                href={`/security?entry=${c.seq}`}
                aria-label={t('explain.entries.openLabel', { seq: c.seq })}
              >
                {t('explain.entries.open')}
              </Link>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

const KIND_KEYS: Record<
  string,
  'explain.kind.uploaded' | 'explain.kind.delivered' | 'explain.kind.shareGranted'
> = {
  'photo.uploaded': 'explain.kind.uploaded',
  'sync.delivered': 'explain.kind.delivered',
  'album.share-granted': 'explain.kind.shareGranted',
};
