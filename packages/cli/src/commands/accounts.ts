import { Argument, Option, type Command } from 'commander';
import type { Account, ServerInfo, SignupPolicy } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { readPassword } from '../password.ts';
import { CliError } from '../output.ts';
import { registerAccountEmail } from './account-email.ts';

const ROLES = ['user', 'admin', 'support'];
const POLICIES: SignupPolicy[] = ['open', 'invite', 'closed'];
const SIGNUP_TEXT: Record<SignupPolicy, string> = {
  open: 'Sign-up is now open: anyone who can reach the server can create an account.',
  invite: 'Sign-up is now by invitation only: create codes with `shoebox admin invite <e-mail>`.',
  closed: 'Sign-up is now closed: only an admin can create accounts.',
};

export function registerAccounts(program: Command): void {
  const account = program.command('account').description('Accounts on the server');
  registerAccountEmail(account);

  account
    .command('create')
    .description(
      'Create an account (the first one becomes the admin; later ones need an admin or open sign-up)',
    )
    .requiredOption('--email <email>', 'e-mail address of the new account')
    .option('--display-name <name>', 'name shown to people')
    .addOption(new Option('--role <role>', 'role of the new account (admins only)').choices(ROLES))
    .option('--invite <code>', 'invitation code when sign-up is invite-only')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        options: {
          email: string;
          displayName?: string;
          role?: string;
          invite?: string;
          passwordStdin?: boolean;
        },
        command: Command,
      ) => {
        const ctx = commandContext(command);
        const password = await readPassword(Boolean(options.passwordStdin), 'Password for the new account: ');
        // Signed in as an admin? Then create with that authority; otherwise as a sign-up.
        const created = await ctx.optionalClient().request<Account>('POST', '/accounts', {
          json: {
            email: options.email,
            password,
            ...(options.displayName ? { displayName: options.displayName } : {}),
            ...(options.role ? { role: options.role } : {}),
            ...(options.invite ? { inviteCode: options.invite } : {}),
          },
        });
        ctx.out.result(created, () => `Created ${created.role} account ${created.email} (${created.id}).`);
      },
    );

  account
    .command('list')
    .description('List accounts (admin)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<{ items: Account[] }>('GET', '/admin/accounts');
      ctx.out.result({ items }, () => items.map((a) => `${a.id}  ${a.role.padEnd(7)}  ${a.email}`));
    });

  account
    .command('role')
    .description('Give an account the support role, or take it away (admin)')
    .argument('<email>', 'e-mail of the account')
    .addArgument(new Argument('<role>', 'support or user').choices(['support', 'user']))
    .action(async (email: string, role: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const { items } = await client.request<{ items: Account[] }>('GET', '/admin/accounts');
      const target = items.find((a) => a.email === email.trim().toLowerCase());
      if (!target) throw new CliError(`No account with e-mail ${email}.`, 1, 'not_found');
      const updated = await client.request<Account>('PUT', `/admin/accounts/${target.id}/role`, {
        json: { role },
      });
      ctx.out.result(
        updated,
        () => `${updated.email} is now ${updated.role === 'support' ? 'support staff' : 'a user'}.`,
      );
    });

  const admin = program.command('admin').description('Server administration (admin accounts)');
  admin
    .command('signup')
    .description('Set who may sign up: open (anyone), invite (with an invitation code) or closed')
    .addArgument(new Argument('<policy>', 'open, invite or closed').choices(POLICIES))
    .action(async (policy: SignupPolicy, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const result = await ctx
        .client()
        .request<{ signupPolicy: SignupPolicy }>('PUT', '/admin/signup-policy', {
          json: { signupPolicy: policy },
        });
      ctx.out.result(result, () => SIGNUP_TEXT[result.signupPolicy]);
    });
  admin
    .command('invite <email>')
    .description('Create an invitation code for someone to sign up')
    .action(async (email: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const invite = await ctx
        .client()
        .request<{ code: string; expiresAt: string }>('POST', '/admin/invites', { json: { email } });
      ctx.out.result(
        invite,
        () => `Invitation for ${email}: ${invite.code} (valid until ${invite.expiresAt})`,
      );
    });

  program
    .command('server-info')
    .description('What the server is and whether it accepts sign-ups')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const info = await ctx.anonymous().request<ServerInfo>('GET', '/server');
      ctx.out.result(
        info,
        () =>
          `Shoebox ${info.version} at ${ctx.server}; sign-up ${info.signupPolicy}${info.initialized ? '' : '; no accounts yet'}`,
      );
    });
}
