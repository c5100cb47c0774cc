// The explain page's timeline as data, drawn by TimelineChart.tsx: one lane per device, its sign-ins and approvals as
// single marks, its uploads counted into bins. However many photos there are, the chart draws at most a few hundred
// bins per lane, so an account with 100,000 photos costs one pass over their times, not 100,000 SVG nodes.

import { binEnd, binStarts, binUnitFor, type BinUnit } from './time-bins.ts';

export type { BinUnit };

/** The least room either side of the marks: half an hour. */
const PAD_MIN = 30 * 60_000;

export type MomentKind = 'sign-in' | 'approval' | 'request';

/** A single event on a device's lane: a sign-in, an approval of the device, its request to join. */
export interface Moment {
  deviceId: string;
  at: number;
  kind: MomentKind;
  /** Where it came from, already in the reader's words. */
  place: string | null;
  /** The audit entry it rests on, when known (dedupes the report's sign-ins against the activity). */
  seq: number | null;
}

export interface UploadTime {
  deviceId: string;
  at: number;
}

/** Uploads the report counted but did not list (over its limit): known only by their number and time span. */
export interface UnlistedUploads {
  deviceId: string;
  from: number;
  to: number;
  count: number;
}

export interface LaneInput {
  id: string;
  name: string;
}

export interface TimelineInput {
  lanes: readonly LaneInput[];
  moments: readonly Moment[];
  uploads: readonly UploadTime[];
  unlisted: readonly UnlistedUploads[];
}

export interface Bin {
  start: number;
  end: number;
  count: number;
}

export interface Lane extends LaneInput {
  moments: Moment[];
  bins: Bin[];
  unlisted: UnlistedUploads[];
  /** Every upload of the lane, listed or not. */
  uploads: number;
  first: number | null;
  last: number | null;
}

export interface TimelineShape {
  start: number;
  end: number;
  unit: BinUnit;
  lanes: Lane[];
  /** The largest bin: bar heights are relative to it. */
  maxCount: number;
  uploads: number;
  moments: number;
}

/**
 * Lanes in the order given (devices that only appear in the events are added after them), every upload counted
 * into bins of one unit chosen from the whole span. Null when there is nothing to draw.
 */
export function shapeTimeline(input: TimelineInput, maxBins = 240): TimelineShape | null {
  let min = Infinity;
  let max = -Infinity;
  const see = (t: number) => {
    if (t < min) min = t;
    if (t > max) max = t;
  };
  for (const m of input.moments) see(m.at);
  for (const u of input.uploads) see(u.at);
  for (const s of input.unlisted) {
    see(s.from);
    see(s.to);
  }
  if (min === Infinity) return null;
  // A little room either side, so the first and last marks are not cut by the edges.
  const pad = Math.max((max - min) * 0.03, PAD_MIN);
  const start = min - pad;
  const end = max + pad;
  const unit = binUnitFor(end - start, maxBins);

  const lanes = new Map<string, Lane>();
  const laneOf = (id: string): Lane => {
    let lane = lanes.get(id);
    if (!lane) {
      lane = { id, name: id, moments: [], bins: [], unlisted: [], uploads: 0, first: null, last: null };
      lanes.set(id, lane);
    }
    return lane;
  };
  for (const l of input.lanes) laneOf(l.id).name = l.name;
  const extend = (lane: Lane, t: number) => {
    lane.first = lane.first === null ? t : Math.min(lane.first, t);
    lane.last = lane.last === null ? t : Math.max(lane.last, t);
  };

  const counts = new Map<string, Map<number, number>>();
  const binOf = binStarts(unit);
  for (const u of input.uploads) {
    let byBin = counts.get(u.deviceId);
    if (!byBin) counts.set(u.deviceId, (byBin = new Map<number, number>()));
    const key = binOf(u.at);
    byBin.set(key, (byBin.get(key) ?? 0) + 1);
    const lane = laneOf(u.deviceId);
    lane.uploads++;
    extend(lane, u.at);
  }
  let maxCount = 0;
  for (const [id, byBin] of counts) {
    const lane = laneOf(id);
    lane.bins = [...byBin]
      .sort((a, b) => a[0] - b[0])
      .map(([s, count]) => ({ start: s, end: binEnd(s, unit), count }));
    for (const b of lane.bins) maxCount = Math.max(maxCount, b.count);
  }
  for (const s of input.unlisted) {
    const lane = laneOf(s.deviceId);
    lane.unlisted.push(s);
    lane.uploads += s.count;
    extend(lane, s.from);
    extend(lane, s.to);
  }
  for (const m of [...input.moments].sort((a, b) => a.at - b.at)) {
    const lane = laneOf(m.deviceId);
    lane.moments.push(m);
    extend(lane, m.at);
  }
  const all = [...lanes.values()];
  return {
    start,
    end,
    unit,
    lanes: all,
    maxCount,
    uploads: all.reduce((n, l) => n + l.uploads, 0),
    moments: input.moments.length,
  };
}
