// PostgreSQL's own rate for a transaction script, measured by pgbench (C, one connection per client): what the
// server does without Node, so a bench can show how much of its figure the client costs. Null when pgbench is not
// installed (it comes with Debian's postgresql package).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PgbenchRun {
  /** postgres://user@host:port/database */
  url: string;
  /** search_path for every client. */
  schema: string;
  /** The transaction, as pgbench script text (meta-commands such as \set allowed). */
  script: string;
  clients: number;
  seconds: number;
}

/** Transactions per second, or null when pgbench is missing; throws when pgbench fails. */
export function pgbenchRate(run: PgbenchRun): number | null {
  const u = new URL(run.url);
  const dir = mkdtempSync(path.join(tmpdir(), 'shoebox-pgbench-'));
  try {
    const file = path.join(dir, 'txn.sql');
    writeFileSync(file, run.script);
    const args = [
      '-n',
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username) || 'postgres',
    ];
    args.push('-c', String(run.clients), '-j', String(Math.min(2, run.clients)), '-T', String(run.seconds));
    args.push('-f', file, u.pathname.slice(1) || 'postgres');
    const env: NodeJS.ProcessEnv = { ...process.env, PGOPTIONS: `-c search_path=${run.schema}` };
    if (u.password) env['PGPASSWORD'] = decodeURIComponent(u.password);
    const r = spawnSync('pgbench', args, { env, encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    const tps = /^tps = ([\d.]+)/m.exec(r.stdout);
    if (r.status !== 0 || !tps?.[1]) throw new Error(`pgbench failed: ${r.stderr.trim() || r.stdout.trim()}`);
    return Number(tps[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
