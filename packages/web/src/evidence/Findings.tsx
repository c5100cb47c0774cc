import { Icon, type IconName } from '../components/Icon.tsx';
import { useFindingText } from '../components/useFindingText.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CiteLinks } from './Citations.tsx';
import type { ExplainFinding, FleetSummary } from './report-types.ts';

const RANK: Record<ExplainFinding['severity'], number> = { anomaly: 0, warning: 1, info: 2 };
const ICON: Record<ExplainFinding['severity'], IconName> = {
  anomaly: 'warning',
  warning: 'info',
  info: 'check',
};

const FLEET_KINDS = [
  'shipped',
  'sold',
  'returned',
  'refurbished',
  'activated',
  'signed-out',
  'removed',
] as const;
const isFleetKind = (kind: string): kind is (typeof FLEET_KINDS)[number] =>
  (FLEET_KINDS as readonly string[]).includes(kind);

export const byGravity = (findings: readonly ExplainFinding[]) =>
  [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);

/**
 * What the server concluded, gravest first; an anomaly is loud (and announced). Each is worded from its code in the
 * reader's language; one this client cannot word is the server's English, marked as such for screen readers.
 */
export function Findings({ findings }: { findings: readonly ExplainFinding[] }) {
  const { t, tn } = useI18n();
  const say = useFindingText();
  const sorted = byGravity(findings);
  const anomalies = sorted.filter((f) => f.severity === 'anomaly').length;
  return (
    <section
      className="explain-page__section"
      aria-labelledby="explain-findings"
      data-testid="explain-findings"
    >
      <h2 id="explain-findings">{t('explain.findings.title')}</h2>
      {anomalies > 0 ? (
        <p className="finding-banner" role="alert">
          <Icon name="warning" />
          {tn('explain.findings.anomalies', anomalies)}
        </p>
      ) : (
        <p className="explain-page__muted">{t('explain.findings.noAnomaly')}</p>
      )}
      {sorted.length === 0 ? <p>{t('explain.findings.none')}</p> : null}
      <ul className="findings">
        {sorted.map((f, i) => {
          const { text, english } = say.explain(f);
          return (
            <li key={i} className={`finding finding--${f.severity}`} data-code={f.code}>
              <Icon name={ICON[f.severity]} />
              <div>
                <strong className="finding__severity">{t(`explain.severity.${f.severity}`)}</strong>{' '}
                <span lang={english ? 'en' : undefined}>{text}</span> <CiteLinks cites={f.cites} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The device's life from fleet records (shipped, sold, activated), and what does not add up in it. */
export function FleetHistory({ fleet }: { fleet: FleetSummary | null }) {
  const { t, fmt } = useI18n();
  const say = useFindingText();
  return (
    <section className="card explain-page__section" aria-labelledby="explain-fleet">
      <h2 id="explain-fleet">{t('explain.fleet.title')}</h2>
      {!fleet ? (
        <p className="explain-page__muted">{t('explain.fleet.none')}</p>
      ) : (
        <>
          <p>{t('explain.serial', { serial: fleet.serial })}</p>
          {fleet.findings.length === 0 ? <p>{t('explain.fleet.noFindings')}</p> : null}
          <ul className="findings">
            {fleet.findings.map((f, i) => {
              const { text, english } = say.fleet(f, f.text);
              return (
                <li key={i} className={`finding finding--${f.severity === 'info' ? 'info' : 'warning'}`}>
                  <Icon name={f.severity === 'info' ? 'check' : 'warning'} />
                  <span lang={english ? 'en' : undefined}>{text}</span>
                </li>
              );
            })}
          </ul>
          <ol className="fleet-timeline">
            {fleet.timeline.map((e, i) => (
              <li key={i}>
                <span>{!e.at ? '—' : e.at.length === 10 ? fmt.day(e.at) : fmt.dateTime(e.at)}</span> ·{' '}
                <strong>{isFleetKind(e.kind) ? t(`explain.fleet.kind.${e.kind}`) : e.kind}</strong> ·{' '}
                <span lang="en">{e.detail}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
