import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';
import { loadState, resolveHome, saveState, type DeviceState } from './home.ts';
import { CliError, EXIT, createOutput, type Output } from './output.ts';

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
  /** The session's client when signed in to this server, else an anonymous one (account creation). */
  optionalClient(): ApiClient;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:2283';

export function commandContext(command: Command): CommandContext {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const home = resolveHome(opts.home);
  const state = loadState(home);
  const server = normaliseServer(
    opts.server ?? process.env['SHOEBOX_SERVER'] ?? state.server ?? DEFAULT_SERVER,
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
      // The token belongs to the server it came from; sending it anywhere else would hand it to a stranger.
      if (ctx.state.server && ctx.state.server !== server)
        throw new CliError(
          `This device is signed in to ${ctx.state.server}, not ${server}: run \`shoebox login\` there, or use another --home.`,
        );
      return new ApiClient(server, ctx.state.token);
    },
    anonymous: () => new ApiClient(server, undefined),
    optionalClient: () => (ctx.state.token && ctx.state.server === server ? ctx.client() : ctx.anonymous()),
  };
  return ctx;
}

/** Checks the address early so a typo reads as a typo, not as a network failure; drops trailing slashes. */
function normaliseServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`The server address "${value}" is not a URL (e.g. ${DEFAULT_SERVER}).`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`The server address "${value}" must start with http:// or https://.`, EXIT.usage);
  // The API lives under /api of the server's address; an address copied with it (from the API docs, a browser's
  // network tab) means the same server.
  return value.replace(/\/+$/, '').replace(/\/api$/, '');
}
