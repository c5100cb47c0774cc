import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { useChartFormats } from './chart-format.ts';
import { MomentShape } from './MomentMark.tsx';
import type { MomentKind, TimelineShape } from './timeline-data.ts';

const KINDS: MomentKind[] = ['sign-in', 'approval', 'request'];

/** What each mark means. The swatches are decoration: the words say it. */
export function ChartLegend() {
  const { t } = useI18n();
  const swatch = (child: ReactNode) => (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {child}
    </svg>
  );
  return (
    <ul className="chart__legend" aria-label={t('explain.chart.legend')}>
      {KINDS.map((kind) => (
        <li key={kind}>
          {swatch(<MomentShape kind={kind} cx={8} cy={8} />)}
          {t(`explain.chart.kind.${kind}`)}
        </li>
      ))}
      <li>
        {swatch(<rect className="chart__upload" x={3} y={3} width={10} height={12} />)}
        {t('explain.chart.kind.upload')}
      </li>
      <li>
        {swatch(<rect className="chart__unlisted" x={1} y={3} width={14} height={12} />)}
        {t('explain.chart.kind.unlisted')}
      </li>
    </ul>
  );
}

/** The chart's data as a table: each device's sign-ins and approvals, and how many uploads between which times. */
export function TimelineTable({ shape, current }: { shape: TimelineShape; current: string }) {
  const { t, tn } = useI18n();
  const f = useChartFormats();
  return (
    <details className="chart__data">
      <summary>{t('explain.chart.asTable')}</summary>
      <div className="chart__table-wrap">
        <table className="chart__table" data-testid="explain-chart-table">
          <thead>
            <tr>
              <th scope="col">{t('explain.chart.col.device')}</th>
              <th scope="col">{t('explain.chart.col.moments')}</th>
              <th scope="col">{t('explain.chart.col.uploads')}</th>
            </tr>
          </thead>
          <tbody>
            {shape.lanes.map((lane) => {
              const uploaded = lane.bins.length + lane.unlisted.length > 0;
              const first = lane.bins[0]?.start ?? lane.unlisted[0]?.from;
              const last = lane.unlisted.at(-1)?.to ?? lane.bins.at(-1)?.start;
              return (
                <tr key={lane.id}>
                  <th scope="row">
                    {lane.id === current ? t('explain.chart.thisDevice', { name: lane.name }) : lane.name}
                  </th>
                  <td>
                    {lane.moments.length === 0 ? t('explain.none') : null}
                    <ul className="chart__moments">
                      {lane.moments.map((m, i) => (
                        <li key={i}>
                          {[t(`explain.chart.kind.${m.kind}`), f.dateTime(m.at), m.place]
                            .filter(Boolean)
                            .join(' · ')}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {tn('explain.chart.uploads', lane.uploads)}
                    {uploaded && first !== undefined && last !== undefined
                      ? ` · ${t('explain.between', { from: f.dateTime(first), to: f.dateTime(last) })}`
                      : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
