import { useMemo } from 'react';
import { Link, useLocation } from '../app/router.tsx';
import { Icon } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { chartInput } from './chart-input.ts';
import { CitedEntries, CiteProvider, useCiteCheck } from './Citations.tsx';
import { Findings, FleetHistory } from './Findings.tsx';
import { GroupCard } from './GroupCard.tsx';
import { pageCites } from './page-cites.ts';
import { SignInFacts } from './SignInFacts.tsx';
import { TimelineChart } from './TimelineChart.tsx';
import { shapeTimeline } from './timeline-data.ts';
import { useExplainData, type ExplainData, type ExplainTarget } from './useExplainData.ts';
import '../devices/risk.css';
import './explain.css';

/**
 * The explain report as a page: for a device (`/devices/:id/explain`, what is on it or `?scope=library` the whole
 * library) or one photo (`/photos/:id/explain`). Findings first, then the timeline, then each origin in detail, and
 * at the foot every cited audit entry, checked in this browser.
 */
export default function ExplainPage({ kind, id }: { kind: 'device' | 'photo'; id: string }) {
  const { t, tn } = useI18n();
  const { search } = useLocation();
  const scope = search.get('scope') === 'library' ? 'library' : 'delivered';
  const target: ExplainTarget = kind === 'photo' ? { kind, id } : { kind, id, scope };
  const { data, error } = useExplainData(target);
  const report = data?.report;
  const base = `/devices/${encodeURIComponent(id)}/explain`;

  return (
    <div className="page page--scroll explain-page">
      <div className="page-head page-head--stack">
        <Link
          href={kind === 'device' ? '/devices' : `/?view=${encodeURIComponent(id)}`}
          className="back-link"
        >
          <Icon name="back" width={16} height={16} />
          {kind === 'device' ? t('explain.back.devices') : t('explain.back.photo')}
        </Link>
        <h1>
          {kind === 'photo'
            ? t('explain.title.photo')
            : t('explain.title.device', { name: report?.device.name ?? '…' })}
        </h1>
        {report ? (
          <p className="page-head__meta">
            {t(`explain.scope.${report.scope}`, { device: report.device.name })} ·{' '}
            {tn('explain.total', report.total)}
          </p>
        ) : null}
        {kind === 'device' ? (
          <nav className="explain-page__scopes" aria-label={t('explain.scope.label')}>
            <Link href={base} aria-current={scope === 'delivered' ? 'page' : undefined}>
              {t('explain.scope.onDevice')}
            </Link>
            <Link href={`${base}?scope=library`} aria-current={scope === 'library' ? 'page' : undefined}>
              {t('explain.scope.wholeLibrary')}
            </Link>
          </nav>
        ) : null}
      </div>
      {error ? (
        <p className="form__error explain-page__body" role="alert">
          {t('explain.failed', { reason: error })}
        </p>
      ) : null}
      {!data && !error ? <Spinner label={t('app.loading')} /> : null}
      {data ? <Report data={data} /> : null}
    </div>
  );
}

function Report({ data }: { data: ExplainData }) {
  const { t } = useI18n();
  const nameOf = usePlaceName();
  const { report, devices, activity } = data;
  const cites = useMemo(() => pageCites(report), [report]);
  const check = useCiteCheck(cites);
  const shape = useMemo(
    () => shapeTimeline(chartInput(report, devices, activity, nameOf)),
    [report, devices, activity, nameOf],
  );
  return (
    <CiteProvider check={check.kind === 'done' ? check.check : null}>
      <div className="explain-page__body">
        <Findings findings={report.findings} />
        <section className="card explain-page__section" aria-labelledby="explain-timeline">
          <h2 id="explain-timeline">{t('explain.chart.title')}</h2>
          {shape ? (
            <TimelineChart shape={shape} current={report.device.id} />
          ) : (
            <p>{t('explain.chart.empty')}</p>
          )}
        </section>
        <section className="card explain-page__section" aria-labelledby="explain-device">
          <h2 id="explain-device">{t('explain.device.title', { name: report.device.name })}</h2>
          <SignInFacts signIn={report.deviceSignIn} />
        </section>
        <section className="explain-page__section" aria-labelledby="explain-groups">
          <h2 id="explain-groups">{t('explain.groups.title')}</h2>
          {report.groups.length === 0 ? <p>{t('explain.groups.none')}</p> : null}
          {report.groups.map((g, i) => (
            <GroupCard key={i} group={g} index={i} deviceName={report.device.name} />
          ))}
        </section>
        <FleetHistory fleet={report.fleet} />
        <CitedEntries cites={cites} state={check} />
      </div>
    </CiteProvider>
  );
}
