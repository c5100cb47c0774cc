import { useI18n } from '../i18n/i18n.tsx';
import { useChartFormats } from './chart-format.ts';
import type { Moment, MomentKind } from './timeline-data.ts';

/** The mark's outline alone, for the legend too: a dot for a sign-in, a diamond for an approval, a ring for a request. */
export function MomentShape({ kind, cx, cy }: { kind: MomentKind; cx: number; cy: number }) {
  if (kind === 'approval')
    return (
      <path
        className="chart__approval"
        d={`M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z`}
      />
    );
  return (
    <circle className={kind === 'sign-in' ? 'chart__sign-in' : 'chart__request'} cx={cx} cy={cy} r={5} />
  );
}

/** One sign-in, approval or request on a device's lane, its details in a tooltip. */
export function MomentMark({ moment, cx, cy }: { moment: Moment; cx: number; cy: number }) {
  const { t } = useI18n();
  const f = useChartFormats();
  const parts = [t(`explain.chart.kind.${moment.kind}`), f.dateTime(moment.at), moment.place];
  return (
    <g className="chart__moment" data-kind={moment.kind}>
      <title>{parts.filter(Boolean).join(' · ')}</title>
      <MomentShape kind={moment.kind} cx={cx} cy={cy} />
    </g>
  );
}
