import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RESULTS_DIR } from './paths.ts';

/** One line of a result table: a figure beside its anchor (another system, or our own ceiling) and its target. */
export interface Row {
  figure: string;
  value: string;
  anchor: string;
  /** Ours divided by the anchor, or however the row says it is compared. */
  ratio: string;
  target: string;
  /** null when the figure has no target. */
  met: boolean | null;
}

export function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readOr('/proc/cpuinfo'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: cpu.trim(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function printTable(title: string, rows: readonly Row[]): void {
  const header: Row = {
    figure: 'figure',
    value: 'ours',
    anchor: 'anchor',
    ratio: 'ratio',
    target: 'target',
    met: null,
  };
  const cells = (r: Row) => [
    r.figure,
    r.value,
    r.anchor,
    r.ratio,
    r.target,
    r === header ? 'met?' : mark(r.met),
  ];
  const table = [header, ...rows].map(cells);
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(line(table[0] ?? []));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
}

function mark(met: boolean | null): string {
  return met === null ? '' : met ? 'yes' : 'NO';
}

/** Writes `bench/results/<name>-<timestamp>.json` and returns its path. */
export function writeResult(name: string, result: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(RESULTS_DIR, `${name}-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export const fmt = {
  n: (v: number, digits = 1) => v.toFixed(digits),
  pct: (v: number) => `${(v * 100).toFixed(0)}%`,
  x: (v: number) => `${v.toFixed(2)}x`,
  mb: (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`,
  ms: (v: number) => `${v.toFixed(1)} ms`,
  s: (v: number) => `${v.toFixed(2)} s`,
};
