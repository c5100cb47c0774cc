import type { Command } from 'commander';
import { ALARM_EXIT } from '../audit-alarm.ts';
import { commandContext } from '../context.ts';

/** The server's AuditVerifyResult, as `POST /api/admin/audit/verify` sends it. */
interface VerifyResult {
  ok: boolean;
  size: number;
  root?: string;
  problem?: string;
  startedAt: string;
  durationMs: number;
  longestBlockMs: number;
  cleared?: { id: number; reason: string };
  halted?: string;
}

/** `shoebox audit verify-server`: the server re-derives its whole log now, as its daily job does (admin). */
export function registerAuditVerifyServer(program: Command): void {
  // Added to the `audit` group registered before it (commands/audit.ts).
  const audit =
    program.commands.find((c) => c.name() === 'audit') ??
    program.command('audit').description('Check the server’s tamper-evident audit log');
  audit
    .command('verify-server')
    .description(
      'Have the server re-derive its whole audit log now, rows below the start-up mark included (admin)',
    )
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const result = await ctx.client().request<VerifyResult>('POST', '/admin/audit/verify', {
        // A full check reads the whole log: minutes for millions of entries.
        answerWithinMs: null,
      });
      ctx.out.result(result, () =>
        result.ok
          ? [
              `Audit log verified: all ${result.size} entries re-derived, root ${result.root ?? '?'}.`,
              `Took ${result.durationMs} ms (longest hold of the server's event loop: ${result.longestBlockMs} ms).`,
              ...(result.cleared
                ? [`Signing halt ${result.cleared.id} cleared (${result.cleared.reason}); signing resumes.`]
                : []),
              ...(result.halted ? [`Checkpoint signing is still halted: ${result.halted}`] : []),
            ]
          : [
              `The server's audit log does not add up: ${result.problem ?? 'unknown'}`,
              'The server has stopped signing checkpoints; its /healthz reports the problem.',
            ],
      );
      if (!result.ok) {
        process.stderr.write('shoebox: AUDIT ALARM: the server’s audit log failed its full verification\n');
        process.exitCode = ALARM_EXIT;
      }
    });
}
