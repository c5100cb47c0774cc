import type { ApiClient } from '../api-client.ts';
import type { SyncState } from './state-db.ts';

/** What `--json` reports: counts of what this run did, and the failures it survived. */
export interface SyncReport {
  uploaded: number;
  downloaded: number;
  trashedLocal: number;
  trashedRemote: number;
  restored: number;
  errors: string[];
}

export const emptyReport = (): SyncReport => ({
  uploaded: 0,
  downloaded: 0,
  trashedLocal: 0,
  trashedRemote: 0,
  restored: 0,
  errors: [],
});

/** Everything the two halves of a sync pass (local scan, remote pull) share. */
export interface SyncSession {
  root: string;
  client: ApiClient;
  state: SyncState;
  report: SyncReport;
  /** A progress line on stderr; stdout is kept for the --json report. */
  note(line: string): void;
}

/** SHOEBOX_SYNC_TRACE=1 adds `trace …` progress lines: the benchmark times the stages of a propagation by them. */
const TRACING = Boolean(process.env['SHOEBOX_SYNC_TRACE']);
let traced = 0;

export function trace(to: { note(line: string): void }, what: string): void {
  if (TRACING) to.note(`trace #${++traced} ${what}`);
}
