// `shoebox account delete`: the owner deletes their own account (typing its e-mail at a terminal, --yes in
// scripts), or an admin deletes another one with a reason. Nothing can be brought back afterwards.
import type { Command } from 'commander';
import type { Account, AccountDeletion, WhoAmI } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext, type CommandContext } from '../context.ts';
import { CliError, EXIT } from '../output.ts';
import { readPassword } from '../password.ts';

interface DeleteOptions {
  reason?: string;
  yes?: boolean;
  passwordStdin?: boolean;
}

const WARNING =
  'This deletes the account for good: every photo, album and share, every device and sign-in factor, and its address. Its audit entries can no longer be opened. It cannot be undone.';

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** At a terminal the e-mail is typed out; elsewhere --yes stands for it. */
async function confirm(ctx: CommandContext, email: string, yes: boolean | undefined): Promise<string> {
  if (yes) return email;
  if (!process.stdin.isTTY || ctx.out.json)
    throw new CliError('Refusing to delete an account without confirmation: pass --yes.', EXIT.usage);
  ctx.out.note(WARNING);
  const typed = await ask(`Type the account’s e-mail (${email}) to delete it: `);
  if (typed.toLowerCase() !== email.toLowerCase())
    throw new CliError('The e-mail typed does not match; nothing was deleted.', EXIT.cancelled);
  return typed;
}

/** Sends the request; when the session has not proved itself lately, asks for the password once (at a terminal). */
async function send(
  client: ApiClient,
  path: string,
  json: Record<string, unknown>,
  passwordStdin: boolean | undefined,
): Promise<AccountDeletion> {
  const withPassword = async () =>
    client.request<AccountDeletion>('DELETE', path, {
      json: { ...json, password: await readPassword(true === passwordStdin) },
    });
  if (passwordStdin) return withPassword();
  try {
    return await client.request<AccountDeletion>('DELETE', path, { json });
  } catch (err) {
    if (err instanceof CliError && err.code === 'reauth_required' && process.stdin.isTTY)
      return withPassword();
    throw err;
  }
}

export function registerAccountDelete(account: Command): void {
  account
    .command('delete [email]')
    .description(
      'Delete your own account for good (asks you to type its e-mail; --yes in scripts), or, as an admin, another account by e-mail with --reason',
    )
    .option('--reason <text>', 'why (admins deleting another account; recorded in the admin’s audit log)')
    .option('-y, --yes', 'do not ask: the account is deleted without typing its e-mail')
    .option('--password-stdin', 'read the password from standard input (else a recent sign-in is enough)')
    .action(async (email: string | undefined, options: DeleteOptions, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const me = await client.request<WhoAmI>('GET', '/me');
      const own = email === undefined || email.trim().toLowerCase() === me.account.email;
      if (own) {
        const typed = await confirm(ctx, me.account.email, options.yes);
        const done = await send(client, '/account', { confirmEmail: typed }, options.passwordStdin);
        // The server ended this device's session with the request: forget its token.
        const { token: _token, ...rest } = ctx.state;
        ctx.save(rest);
        ctx.out.result(done, () => [
          `Your account ${me.account.email} is being deleted (requested ${done.requestedAt}).`,
          'Every session has ended; the server erases the rest in the background.',
        ]);
        return;
      }
      if (!options.reason?.trim())
        throw new CliError('Deleting another account needs --reason (it is recorded).', EXIT.usage);
      const { items } = await client.request<{ items: Account[] }>('GET', '/admin/accounts');
      const target = items.find((a) => a.email === email.trim().toLowerCase());
      if (!target) throw new CliError(`No account with e-mail ${email}.`, 1, 'not_found');
      await confirm(ctx, target.email, options.yes);
      const done = await send(
        client,
        `/admin/accounts/${target.id}`,
        { reason: options.reason },
        options.passwordStdin,
      );
      ctx.out.result(done, () => [
        `${target.email} is being deleted (requested ${done.requestedAt}); its sessions have ended.`,
      ]);
    });
}
