import type { Command } from 'commander';
import { commandContext } from '../context.ts';
import { CliError, EXIT } from '../output.ts';

/** The server's Job, as `GET /api/admin/jobs` sends it. */
interface Job {
  id: number;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  payload: unknown;
  runAt: string;
  updatedAt: string;
}

interface JobsPage {
  items: Job[];
  counts: Record<string, number>;
}

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Background jobs on the server: what failed and why (admin)')
    .option('--failed', 'only jobs that gave up after their last try')
    .option(
      '--all',
      'list the housekeeping sweeps that succeeded too (left out by default; failed ones always show)',
    )
    .option('--limit <n>', 'at most this many, newest first', '50')
    .action(async (options: { failed?: boolean; all?: boolean; limit: string }, command: Command) => {
      const ctx = commandContext(command);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new CliError('--limit must be a whole number from 1 to 500.', EXIT.usage);
      const query = new URLSearchParams({
        limit: String(limit),
        ...(options.failed ? { state: 'failed' } : {}),
        ...(options.all ? { all: 'true' } : {}),
      });
      const page = await ctx.client().request<JobsPage>('GET', `/admin/jobs?${query.toString()}`);
      ctx.out.result(page, () => describe(page, Boolean(options.failed)));
    });

  jobs
    .command('retry')
    .description('Queue a failed job again, with a fresh set of tries (admin)')
    .argument('<id>', 'job id, as `shoebox jobs --failed` lists it')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const job = await ctx.client().request<Job>('POST', `/admin/jobs/${encodeURIComponent(id)}/retry`);
      ctx.out.result(job, () => `Job ${job.id} (${job.kind}) is queued again.`);
    });
}

function describe(page: JobsPage, failedOnly: boolean): string[] {
  const totals = ['queued', 'running', 'done', 'failed'].map((s) => `${page.counts[s] ?? 0} ${s}`);
  const lines = [`Jobs: ${totals.join(', ')}.`];
  if (page.items.length === 0) lines.push(failedOnly ? 'No failed jobs.' : 'No jobs.');
  for (const job of page.items) {
    lines.push(
      `${String(job.id).padStart(6)}  ${job.state.padEnd(7)}  ${job.kind}  tries ${job.attempts}/${job.maxAttempts}  ${job.updatedAt}`,
    );
    if (job.state === 'failed' && job.lastError) lines.push(`        reason: ${job.lastError}`);
  }
  return lines;
}
