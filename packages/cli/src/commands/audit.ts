import fs from 'node:fs';
import type { Command } from 'commander';
import { buildExport, verifyExport, verifySummary, type AuditExport } from '../audit-export.ts';
import { ALARM_EXIT, witnessCheckpoint } from '../audit-witness.ts';
import { commandContext } from '../context.ts';
import { CliError, EXIT } from '../output.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Check the server’s tamper-evident audit log');

  audit
    .command('check')
    .description('Verify the log still extends what this device saw, and every entry of this account')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const witnessed = await witnessCheckpoint(client, ctx.home);
      const report = verifyExport(await buildExport(client, ctx.home));
      const consistent =
        witnessed.previousSize === 0
          ? `first checkpoint pinned (size ${witnessed.checkpoint.size})`
          : `checkpoint ${witnessed.checkpoint.size} consistent with ${witnessed.previousSize} seen before`;
      ctx.out.result({ ...report, previousSize: witnessed.previousSize }, () => [
        consistent,
        ...verifySummary(report),
      ]);
      if (!report.ok) failLoudly(report.problems);
    });

  audit
    .command('export')
    .description('Write this account’s events with proofs, the checkpoints seen and the log key to a file')
    .option('-o, --output <file>', 'where to write (default: stdout)')
    .action(async (options: { output?: string }, command: Command) => {
      const ctx = commandContext(command);
      const doc = await buildExport(ctx.client(), ctx.home);
      const text = `${JSON.stringify(doc, null, 1)}\n`;
      if (!options.output) {
        process.stdout.write(text);
        return;
      }
      fs.writeFileSync(options.output, text, { mode: 0o600 });
      ctx.out.result(
        { file: options.output, events: doc.events.length, size: doc.checkpoint.size },
        () =>
          `Wrote ${doc.events.length} events and ${doc.leaves.length} leaves (log size ${doc.checkpoint.size}) to ${options.output}.`,
      );
    });

  audit
    .command('verify <file>')
    .description('Check an export offline, with no server')
    .action((file: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      let doc: AuditExport;
      try {
        doc = JSON.parse(fs.readFileSync(file, 'utf8')) as AuditExport;
      } catch (err) {
        // A file that is missing or not an export failed the operation (exit 1), like `upload` and `fleet import`.
        throw new CliError(`Cannot read ${file} as an audit export: ${(err as Error).message}`, EXIT.failure);
      }
      const report = verifyExport(doc);
      ctx.out.result(report, () => verifySummary(report));
      if (!report.ok) process.exitCode = EXIT.failure;
    });
}

/** Loud on stderr too, so a service log or a cron mail shows it even when stdout goes elsewhere. */
function failLoudly(problems: string[]): void {
  process.stderr.write(`shoebox: AUDIT ALARM: ${problems.length} problem(s) in the audit log\n`);
  process.exitCode = ALARM_EXIT;
}
