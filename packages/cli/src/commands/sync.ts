import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.ts';
import { ensureCredential } from '../device-credential.ts';
import { wholeNumber } from '../options.ts';
import { CliError, EXIT } from '../output.ts';
import { runAgent } from '../sync/agent.ts';
import { SyncState, stateFile } from '../sync/state-db.ts';

interface SyncOptions {
  once?: boolean;
  interval: number;
}

export function registerSync(program: Command): void {
  program
    .command('sync <dir>')
    .description('Keep a folder and the library in step, both ways (runs until stopped)')
    .option('--once', 'sync until up to date, then exit')
    .option(
      '--interval <seconds>',
      'full rescan period, for changes file events miss',
      wholeNumber(1, 86_400),
      30,
    )
    .action(async (dir: string, options: SyncOptions, command: Command) => {
      const ctx = commandContext(command);
      const root = path.resolve(dir);
      ensureWritable(root);
      const client = ctx.client();
      await ensureCredential(ctx);
      const state = new SyncState(stateFile(ctx.home, root));
      // Ctrl-C or a service manager's SIGTERM ends the agent between two steps, and it reports what it did.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await runAgent({
          root,
          server: ctx.server,
          token: ctx.state.token ?? '',
          client,
          state,
          once: Boolean(options.once),
          intervalMs: options.interval * 1000,
          note: (line) => ctx.out.note(line),
          signal: stop.signal,
          home: ctx.home,
        });
        ctx.out.result(report, () => [
          `${report.uploaded} uploaded, ${report.downloaded} downloaded, ${report.trashedLocal} moved to ` +
            `.shoebox-trash, ${report.trashedRemote} trashed on the server, ${report.restored} restored, ` +
            `${report.errors.length} errors.`,
        ]);
        if (report.errors.length > 0 && options.once) process.exitCode = EXIT.failure;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        state.close();
      }
    });
}

/** Checked up front, so a typo or a read-only mount is one clear line instead of a failure mid-sync. */
function ensureWritable(root: string): void {
  try {
    fs.mkdirSync(root, { recursive: true });
    if (!fs.statSync(root).isDirectory()) throw new Error('not a folder');
    fs.accessSync(root, fs.constants.W_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(`Cannot sync ${root}: it is not a writable folder (${reason}).`, EXIT.failure);
  }
}
