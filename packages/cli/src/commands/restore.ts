import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, createOutput, formatBytes } from '../output.ts';
import { installationConfig, installationOptions, type InstallationOptions } from './backup.ts';

export function registerRestore(program: Command): void {
  installationOptions(
    program
      .command('restore-backup <src>')
      .description('Rebuild an installation from a backup folder into a fresh data folder (and database)'),
  ).action(async (src: string, options: InstallationOptions, command: Command) => {
    const out = createOutput(Boolean(command.optsWithGlobals<{ json?: boolean }>().json));
    const config = await installationConfig(options);
    // Before anything is created at the destination: a mistyped source must leave no new folder behind.
    if (!fs.existsSync(path.join(src, 'manifest.json')))
      throw new CliError(`${path.resolve(src)} holds no Shoebox backup (no manifest.json).`, 1, 'not_found');
    const { restoreInstallation, openBlobStore } = await import('@shoebox/server');
    const report = await restoreInstallation(path.resolve(src), {
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      blobs: openBlobStore(config),
      logKeyFile: config.logKeyFile,
    });
    out.result(report, () =>
      [
        `Restored the backup of ${new Date(report.createdAt).toISOString()} into ${config.dataDir}:`,
        `${report.blobs} blobs (${formatBytes(report.bytes)}), every file checked against its SHA-256.`,
        'Devices that saw a newer audit checkpoint than the backup will see the log as rolled back.',
      ].join(' '),
    );
  });
}
