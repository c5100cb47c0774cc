import { useEffect, useState } from 'react';
import { api, call, type Device, type Schemas } from '../api/client.tsx';
import type { ExplainReport } from './report-types.ts';

export type ExplainTarget =
  { kind: 'device'; id: string; scope: 'delivered' | 'library' } | { kind: 'photo'; id: string };

export interface ExplainData {
  report: ExplainReport;
  devices: Device[];
  activity: Schemas['ActivityItem'][];
}

/** Photos listed per group: enough for the chart to show each upload over a long stretch, still a small answer. */
export const REPORT_LIMIT = 1000;
/** Activity pages read for the chart's sign-ins and approvals (newest first, 100 each). */
const ACTIVITY_PAGES = 3;

async function activity(): Promise<Schemas['ActivityItem'][]> {
  const items: Schemas['ActivityItem'][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < ACTIVITY_PAGES; i++) {
    const page = await call(api.GET('/activity', { params: { query: { limit: 100, cursor } } }));
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

async function report(target: ExplainTarget): Promise<ExplainReport> {
  const query =
    target.kind === 'photo'
      ? { photo: target.id }
      : { device: target.id, scope: target.scope, limit: REPORT_LIMIT };
  const answer = await call(api.GET('/explain', { params: { query } }));
  // The generated types drop the nullability of referenced schemas; the shared schema is the server's own.
  return answer as unknown as ExplainReport;
}

/** The report, the account's devices and its recent activity, loaded together. */
export function useExplainData(target: ExplainTarget): { data: ExplainData | null; error: string | null } {
  const [data, setData] = useState<ExplainData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = target.kind === 'photo' ? `photo:${target.id}` : `device:${target.id}:${target.scope}`;
  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    Promise.all([report(target), call(api.GET('/devices')), activity()])
      .then(([r, devices, items]) => live && setData({ report: r, devices: devices.items, activity: items }))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
    // `key` names the target: a new object for the same one is no reason to load again.
  }, [key]);
  return { data, error };
}
