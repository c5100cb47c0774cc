// The multi-instance bench's table: the cluster run ("ours") beside the one-instance run when there is one.
import type { Run } from '../instances.bench.ts';
import { fmt, printTable, type Row } from './report.ts';

const KINDS = ['upload', 'changes', 'ack', 'original', 'snapshot', 'probe', 'check'] as const;

export function printInstancesReport(
  runs: readonly Run[],
  shape: { accounts: number; devicesPerAccount: number; seconds: number },
  loadBefore: readonly number[],
  loadAfter: readonly number[],
): void {
  const many = runs.at(-1);
  const one = runs.length > 1 ? runs[0] : undefined;
  const row = (figure: string, value: (r: Run) => string, target = '', met: boolean | null = null): Row => ({
    figure,
    value: many ? value(many) : '',
    anchor: one ? value(one) : '',
    ratio: '',
    target,
    met,
  });
  const zero = (figure: string, value: (r: Run) => number) =>
    row(
      figure,
      (r) => String(value(r)),
      '0',
      runs.every((r) => value(r) === 0),
    );
  const rows: Row[] = [
    row(
      'devices (accounts x devices)',
      (r) => `${r.devices} (${shape.accounts} x ${shape.devicesPerAccount})`,
    ),
    row('load seconds / enrolment seconds', (r) => `${fmt.n(r.seconds, 0)} / ${fmt.n(r.enrolSeconds, 0)}`),
    row('requests/s', (r) => fmt.n(r.requestsPerSecond)),
    row('upload MB/s / download MB/s', (r) => `${fmt.n(r.uploadMBps, 2)} / ${fmt.n(r.downloadMBps, 2)}`),
    row('uploads acknowledged', (r) => String(r.uploads)),
    ...KINDS.map((kind) =>
      row(`${kind}: n, p50 / p99`, (r) => {
        const k = r.byKind[kind];
        return k ? `${k.requests}, ${fmt.ms(k.p50Ms)} / ${fmt.ms(k.p99Ms)}` : '-';
      }),
    ),
    row('push same-instance p50', (r) => fmt.ms(r.probe.sameP50Ms)),
    row(
      'push cross-instance p50 / p99',
      (r) => `${fmt.ms(r.probe.crossP50Ms)} / ${fmt.ms(r.probe.crossP99Ms)}`,
    ),
    row('push after the kill p50', (r) => fmt.ms(r.probe.afterKillP50Ms)),
    row('instance killed halfway', (r) => (r.killed ? 'yes' : 'no')),
    row('retried requests / live reconnects', (r) => `${r.retried} / ${r.reconnects}`),
    row('devices that reconnected', (r) => `${r.devicesReconnected} of ${r.devices}`),
    zero('errors', (r) => r.errors),
    zero('acknowledged but lost', (r) => r.lost),
    zero('devices not converged', (r) => r.notConverged),
    zero('originals failing SHA-256', (r) => r.corrupt),
    row('final sync to convergence', (r) => fmt.s(r.convergeSeconds)),
    row('peak RSS per instance', (r) => r.peakRssMB.map((m) => `${m} MB`).join(', ')),
    row('server CPU s per instance', (r) => r.cpuSeconds.join(', ')),
    row('requests per instance', (r) => r.servedBy.join(', ')),
    row('thumbnail jobs left at the end', (r) => String(r.thumbnailBacklog)),
  ];
  const against = one ? ' vs 1 instance (anchor)' : '';
  const title = `${many?.instances ?? '?'} instances${against}, ${shape.accounts} accounts x ${shape.devicesPerAccount} devices, ${shape.seconds} s`;
  printTable(title, rows);
  console.log(`load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`);
}
