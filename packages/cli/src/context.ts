import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';
import { loadState, resolveHome, saveState, type DeviceState } from './home.ts';
import { CliError, createOutput, type Output } from './output.ts';

export interface GlobalOptions {
  server?: string;
  home?: string;
  json?: boolean;
}

/** What every command gets: where its device lives, how to reach the server, and how to report. */
export interface CommandContext {
  home: string;
  state: DeviceState;
  out: Output;
  server: string;
  save(state: DeviceState): void;
  /** A client with this device's session; fails with a clear line when not signed in. */
  client(): ApiClient;
  /** A client without a session (sign-in, sign-up, server info). */
  anonymous(): ApiClient;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:2283';

export function commandContext(command: Command): CommandContext {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const home = resolveHome(opts.home);
  const state = loadState(home);
  const server = (opts.server ?? process.env['SHOEBOX_SERVER'] ?? state.server ?? DEFAULT_SERVER).replace(
    /\/+$/,
    '',
  );
  const ctx: CommandContext = {
    home,
    state,
    out: createOutput(Boolean(opts.json)),
    server,
    save(next) {
      saveState(home, next);
      ctx.state = next;
    },
    client() {
      if (!ctx.state.token)
        throw new CliError('Not signed in on this device: run `shoebox login --email <e-mail>` first.');
      return new ApiClient(server, ctx.state.token);
    },
    anonymous: () => new ApiClient(server, undefined),
  };
  return ctx;
}
