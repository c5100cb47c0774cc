import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config, ConfigInput } from '@shoebox/server';
import { CliError, createOutput, formatBytes } from '../output.ts';

export interface InstallationOptions {
  data?: string;
  database?: string;
  blobs?: string;
}

/** The server's own config (flags over SHOEBOX_* variables), as `serve` reads it. */
export async function installationConfig(options: InstallationOptions): Promise<Config> {
  const flags: Partial<ConfigInput> = {};
  if (options.data) flags.dataDir = options.data;
  if (options.database) flags.databaseUrl = options.database;
  if (options.blobs) flags.blobStore = options.blobs;
  const defaults = { dataDir: path.join(os.homedir(), '.local', 'share', 'shoebox') };
  const { ConfigError, configFromEnv, parseConfig } = await import('@shoebox/server');
  try {
    return parseConfig({ ...defaults, ...configFromEnv(process.env), ...flags });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2, 'config');
    throw err;
  }
}

/**
 * Refuses a source installation whose SQLite database does not exist (a mistyped --data): opening it would create
 * an empty installation there, and its blob folder, before failing.
 */
export function requireInstallation(config: Config): void {
  if (/^postgres(ql)?:\/\//.test(config.databaseUrl)) return;
  const file = config.databaseUrl.replace(/^sqlite:/, '');
  if (!fs.existsSync(file))
    throw new CliError(
      `No Shoebox installation here: ${file} does not exist (set --data or --database).`,
      1,
      'not_found',
    );
}

export function installationOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'data folder (SHOEBOX_DATA; default ~/.local/share/shoebox)')
    .option(
      '--database <url>',
      'SQLite file or postgres:// URL (SHOEBOX_DATABASE; default <data>/shoebox.db)',
    )
    .option('--blobs <spec>', 'blob store, file:/path or s3://… (SHOEBOX_BLOBS; default <data>/blobs)');
}

export function registerBackup(program: Command): void {
  installationOptions(
    program
      .command('backup <dest>')
      .description(
        'Back up an installation (safe while it runs): a database snapshot plus the blobs not yet in <dest>',
      ),
  ).action(async (dest: string, options: InstallationOptions, command: Command) => {
    const out = createOutput(Boolean(command.optsWithGlobals<{ json?: boolean }>().json));
    const config = await installationConfig(options);
    requireInstallation(config);
    const { backupInstallation, openBlobStore } = await import('@shoebox/server');
    const report = await backupInstallation(
      { databaseUrl: config.databaseUrl, blobs: openBlobStore(config), logKeyFile: config.logKeyFile },
      path.resolve(dest),
    );
    out.result(report, () => [
      `Backed up to ${path.resolve(dest)}: database ${formatBytes(report.databaseBytes)}, ` +
        `${report.blobs} blobs (${report.blobsCopied} new, ${formatBytes(report.bytesCopied)}).`,
      ...(report.blobsVanished > 0 ? [`${report.blobsVanished} blobs were deleted while copying.`] : []),
    ]);
  });
}
