import type { Command } from 'commander';
import { CliError, createOutput, formatBytes } from '../output.ts';
import { installationConfig, requireInstallation } from './backup.ts';

interface MigrateOptions {
  data?: string;
  database?: string;
  fromBlobs?: string;
  to?: string;
  blobs?: string;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Move a stopped SQLite installation to PostgreSQL (and its blobs to S3), verified by counts and checksums',
    )
    .requiredOption('--to <url>', 'the empty PostgreSQL database, postgres://…')
    .option('--blobs <spec>', 'also move the blobs there, e.g. s3://bucket/prefix?endpoint=…')
    .option('--data <dir>', 'data folder (SHOEBOX_DATA; default ~/.local/share/shoebox)')
    .option('--database <url>', 'the SQLite database (SHOEBOX_DATABASE; default <data>/shoebox.db)')
    .option('--from-blobs <spec>', 'where the blobs are now (SHOEBOX_BLOBS; default <data>/blobs)')
    .action(async (options: MigrateOptions, command: Command) => {
      const out = createOutput(Boolean(command.optsWithGlobals<{ json?: boolean }>().json));
      const to = options.to;
      if (!to) throw new CliError('--to postgres://… is required', 2, 'usage');
      const config = await installationConfig({
        ...(options.data ? { data: options.data } : {}),
        ...(options.database ? { database: options.database } : {}),
        ...(options.fromBlobs ? { blobs: options.fromBlobs } : {}),
      });
      requireInstallation(config);
      const { migrateInstallation, openBlobStore } = await import('@shoebox/server');
      const target = options.blobs;
      const report = await migrateInstallation({
        from: { databaseUrl: config.databaseUrl, blobs: openBlobStore(config) },
        to: {
          databaseUrl: to,
          ...(target ? { blobs: openBlobStore({ blobStore: target, dataDir: config.dataDir }) } : {}),
        },
      });
      const rows = Object.values(report.rows).reduce((a, b) => a + b, 0);
      const safeUrl = to.replace(/\/\/[^@/]*@/, '//…@');
      out.result(report, () => [
        `Copied ${rows} rows in ${Object.keys(report.rows).length} tables to PostgreSQL; every count matches.`,
        ...(target
          ? [
              `Blobs: ${report.blobs} verified by SHA-256 in the new store, ${report.blobsCopied} copied ` +
                `(${formatBytes(report.bytesCopied)}).`,
            ]
          : []),
        `Now run: shoebox serve --database ${safeUrl}${target ? ' --blobs <the new store>' : ''}`,
      ]);
    });
}
