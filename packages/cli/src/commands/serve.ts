import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config, ConfigInput } from '@shoebox/server';
import { CliError } from '../output.ts';

interface ServeOptions {
  port?: string;
  host?: string;
  data?: string;
  database?: string;
  blobs?: string;
  trustProxy?: string[];
  logLevel?: string;
  mediaWorkers?: string;
  publicUrl?: string;
  rpId?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Shoebox server (API and web app on one port)')
    .option('--port <port>', 'TCP port (SHOEBOX_PORT; default 2283)')
    .option('--host <address>', 'address to listen on (SHOEBOX_HOST; default 127.0.0.1)')
    .option('--data <dir>', 'data folder (SHOEBOX_DATA; default ~/.local/share/shoebox)')
    .option(
      '--database <url>',
      'SQLite file or postgres:// URL (SHOEBOX_DATABASE; default <data>/shoebox.db)',
    )
    .option(
      '--blobs <spec>',
      'blob store, file:/path or s3://bucket[/prefix]?endpoint=… (SHOEBOX_BLOBS; default <data>/blobs)',
    )
    .option(
      '--trust-proxy <addr...>',
      'reverse proxies whose X-Forwarded-For is believed (SHOEBOX_TRUST_PROXY)',
    )
    .option('--public-url <url>', 'the address people open Shoebox at (SHOEBOX_PUBLIC_URL)')
    .option('--rp-id <domain>', 'passkey relying-party id (SHOEBOX_RP_ID; default: host of --public-url)')
    .option('--media-workers <n>', 'parallel thumbnail jobs (SHOEBOX_MEDIA_WORKERS)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (SHOEBOX_LOG_LEVEL)')
    .action(async (options: ServeOptions) => {
      const flags: Partial<ConfigInput> = {};
      if (options.port) flags.port = options.port;
      if (options.host) flags.host = options.host;
      if (options.data) flags.dataDir = options.data;
      if (options.database) flags.databaseUrl = options.database;
      if (options.blobs) flags.blobStore = options.blobs;
      if (options.trustProxy) flags.trustProxy = options.trustProxy;
      if (options.logLevel) flags.logLevel = options.logLevel as ConfigInput['logLevel'];
      if (options.mediaWorkers) flags.mediaWorkers = options.mediaWorkers;
      if (options.publicUrl) flags.publicUrl = options.publicUrl;
      if (options.rpId) flags.rpId = options.rpId;
      const defaults = { dataDir: path.join(os.homedir(), '.local', 'share', 'shoebox') };
      // Loaded only here: the server pulls in sharp, argon2, the database drivers and the IP database, which
      // would add seconds to every other command's start.
      const { ConfigError, configFromEnv, parseConfig, startServer } = await import('@shoebox/server');
      let config: Config;
      try {
        config = parseConfig({ ...defaults, ...configFromEnv(process.env), ...flags });
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message, 2, 'config');
        throw err;
      }
      const server = await startServer(config);
      process.stderr.write(`Shoebox is running at ${server.url} (data in ${config.dataDir})\n`);
      let stopping = false;
      const stop = () => {
        // Ctrl-C reaches both the launcher, which passes it on, and this process: one shutdown is enough.
        if (stopping) return;
        stopping = true;
        process.stderr.write('Shutting down…\n');
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
