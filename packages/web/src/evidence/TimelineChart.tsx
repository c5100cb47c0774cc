import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { timeTicks } from './time-ticks.ts';
import { ChartLegend, TimelineTable } from './TimelineTable.tsx';
import { MomentMark } from './MomentMark.tsx';
import { useChartFormats } from './chart-format.ts';
import type { Lane, TimelineShape } from './timeline-data.ts';
import './timeline-chart.css';

const LANE = 52;
const TOP = 6;
const AXIS = 28;
const SIDE = 10;
const BAR_MAX = 16;

/** The width of an element as laid out, following resizes (a phone turned sideways). */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || fallback);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width) || fallback);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width] as const;
}

/**
 * Sign-ins, approvals and uploads per device over time, drawn as SVG: one lane per device, uploads as bars of their
 * bin's count. The SVG is one image with a spoken summary; the table beneath has the same data for screen readers.
 */
export function TimelineChart({ shape, current }: { shape: TimelineShape; current: string }) {
  const { t, tn } = useI18n();
  const f = useChartFormats();
  const [ref, width] = useWidth(640);
  const { start, end, lanes } = shape;
  const x = (at: number) => SIDE + ((at - start) / (end - start)) * (width - 2 * SIDE);
  const height = TOP + lanes.length * LANE + AXIS;
  const ticks = useMemo(() => timeTicks(start, end, width), [start, end, width]);
  const summary = t('explain.chart.summary', {
    devices: tn('explain.chart.devices', lanes.length),
    signIns: tn('explain.chart.moments', shape.moments),
    uploads: tn('explain.chart.uploads', shape.uploads),
    from: f.dateTime(start),
    to: f.dateTime(end),
  });

  const lane = (l: Lane, i: number) => {
    const y = TOP + i * LANE;
    const bottom = y + LANE - 6;
    const barHeight = (count: number) =>
      Math.max(3, BAR_MAX * Math.sqrt(count / Math.max(1, shape.maxCount)));
    return (
      <g
        key={l.id}
        className={`chart__lane${l.id === current ? ' chart__lane--current' : ''}`}
        data-lane={l.id}
      >
        <line className="chart__baseline" x1={0} x2={width} y1={bottom + 0.5} y2={bottom + 0.5} />
        <text className="chart__label" x={SIDE} y={y + 12}>
          {l.id === current ? t('explain.chart.thisDevice', { name: l.name }) : l.name}
        </text>
        {l.unlisted.map((s, k) => (
          <rect
            key={`u${k}`}
            className="chart__unlisted"
            x={x(s.from)}
            y={bottom - BAR_MAX}
            width={Math.max(2, x(s.to) - x(s.from))}
            height={BAR_MAX}
          >
            <title>
              {tn('explain.chart.unlisted', s.count, { from: f.dateTime(s.from), to: f.dateTime(s.to) })}
            </title>
          </rect>
        ))}
        {l.bins.map((b) => {
          const h = barHeight(b.count);
          return (
            <rect
              key={b.start}
              className="chart__upload"
              data-count={b.count}
              x={x(b.start)}
              y={bottom - h}
              width={Math.max(2, x(b.end) - x(b.start) - 1)}
              height={h}
            >
              <title>{tn('explain.chart.bin', b.count, { when: f.bin(b.start, b.end, shape.unit) })}</title>
            </rect>
          );
        })}
        {l.moments.map((m, k) => (
          <MomentMark key={`m${k}`} moment={m} cx={x(m.at)} cy={y + 24} />
        ))}
      </g>
    );
  };

  return (
    <figure className="chart" data-testid="explain-chart">
      <figcaption className="chart__caption">
        {t('explain.chart.range', { from: f.dateTime(start), to: f.dateTime(end) })}
      </figcaption>
      <div ref={ref} className="chart__frame">
        <svg role="img" aria-label={summary} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
          {ticks.map((tick) => (
            <line
              key={tick.at}
              className="chart__grid"
              x1={x(tick.at)}
              x2={x(tick.at)}
              y1={TOP}
              y2={height - AXIS}
            />
          ))}
          {lanes.map(lane)}
          {ticks.map((tick) => {
            const at = x(tick.at);
            const anchor = at < 40 ? 'start' : at > width - 40 ? 'end' : 'middle';
            return (
              <text key={tick.at} className="chart__tick" x={at} y={height - 8} textAnchor={anchor}>
                {f.tick(tick.at, tick.level)}
              </text>
            );
          })}
        </svg>
      </div>
      <ChartLegend />
      <TimelineTable shape={shape} current={current} />
    </figure>
  );
}
