import type { CommandContext } from './context.ts';
import { CliError } from './output.ts';

/*
 * The device credential: the secret the server gives this device when it becomes trusted (and replaces at each
 * trusted sign-in). Sent at sign-in, it lets a trusted device in again without approval; the installation id
 * alone does not. Kept in device.json beside the token (written 0600) per server and account, never printed.
 */

const keyOf = (server: string, email: string) => `${server} ${email.trim().toLowerCase()}`;

/** The credential this home holds for `email` on the command's server. */
export function credentialFor(ctx: CommandContext, email: string): string | undefined {
  return ctx.state.deviceCredentials?.[keyOf(ctx.server, email)];
}

export function keepCredential(ctx: CommandContext, email: string, credential: string | undefined): void {
  if (!credential) return;
  const held = { ...ctx.state.deviceCredentials, [keyOf(ctx.server, email)]: credential };
  ctx.save({ ...ctx.state, deviceCredentials: held });
}

/**
 * A device trusted before device credentials existed asks for its own while its session still works, so that its
 * next sign-in needs no approval. Pending devices (403) and devices already given one (409) get none.
 */
export async function ensureCredential(ctx: CommandContext): Promise<void> {
  const email = ctx.state.email;
  if (!email || !ctx.state.token || credentialFor(ctx, email)) return;
  try {
    const issued = await ctx.client().request<{ deviceCredential: string }>('POST', '/devices/me/credential');
    keepCredential(ctx, email, issued.deviceCredential);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
  }
}
