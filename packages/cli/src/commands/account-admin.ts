// Admin commands beyond creating accounts: disable/enable an account, find one by e-mail (staff, with a
// reason), review and revoke invites, review past fleet imports and staff looks at accounts.
import type { Command } from 'commander';
import type { Account, FleetImportList, InviteList, StaffLookPage } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { CliError } from '../output.ts';
import { registerAccountDelete } from './account-delete.ts';

/** The subcommand group `name` registered earlier (e.g. by registerAccounts), or a new one. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

async function accountByEmail(client: ApiClient, email: string): Promise<Account> {
  const { items } = await client.request<{ items: Account[] }>('GET', '/admin/accounts');
  const target = items.find((a) => a.email === email.trim().toLowerCase());
  if (!target) throw new CliError(`No account with e-mail ${email}.`, 1, 'not_found');
  return target;
}

export function registerAccountAdmin(program: Command): void {
  const account = group(program, 'account', 'Accounts on the server');
  registerAccountDelete(account);
  for (const [verb, disable] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    account
      .command(`${verb} <email>`)
      .description(
        disable
          ? 'Disable an account: it is signed out everywhere at once and cannot sign in (admin)'
          : 'Let a disabled account sign in again (admin)',
      )
      .action(async (email: string, _options: unknown, command: Command) => {
        const ctx = commandContext(command);
        const client = ctx.client();
        const target = await accountByEmail(client, email);
        const updated = await client.request<Account>('POST', `/admin/accounts/${target.id}/${verb}`);
        ctx.out.result(updated, () =>
          updated.disabledAt
            ? `${updated.email} is disabled (since ${updated.disabledAt}); its sessions have ended.`
            : `${updated.email} is enabled and can sign in.`,
        );
      });
  }
  account
    .command('lookup <email>')
    .description('Find an account by e-mail (support staff and admins; recorded in its audit log)')
    .requiredOption('--reason <text>', 'why you look (the account’s owner sees it)')
    .action(async (email: string, options: { reason: string }, command: Command) => {
      const ctx = commandContext(command);
      const found = await ctx
        .client()
        .request<Account>('GET', '/admin/accounts/lookup', { query: { email, reason: options.reason } });
      ctx.out.result(found, () => `${found.id}  ${found.role.padEnd(7)}  ${found.email}`);
    });

  const invites = program.command('invites').description('Sign-up invitations not yet used (admin)');
  invites
    .command('list', { isDefault: true })
    .description('List invites (default)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<InviteList>('GET', '/admin/invites');
      ctx.out.result({ items }, () =>
        items.length === 0
          ? 'No invites waiting.'
          : items.map((i) => `${i.id}  ${i.email}  ${i.expired ? 'expired' : `until ${i.expiresAt}`}`),
      );
    });
  invites
    .command('revoke <id>')
    .description('Revoke an invite so its code no longer signs anyone up')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      await ctx.client().request<undefined>('DELETE', `/admin/invites/${encodeURIComponent(id)}`);
      ctx.out.result({ revoked: id }, () => `Invite ${id} revoked.`);
    });

  const fleet = group(program, 'fleet', 'Device history');
  fleet
    .command('imports')
    .description('Past imports: when, by whom, which file, how many rows (admin)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<FleetImportList>('GET', '/fleet/imports');
      ctx.out.result({ items }, () =>
        items.length === 0
          ? 'Nothing imported yet.'
          : items.map(
              (i) =>
                `${i.importedAt}  ${i.kind.padEnd(11)}  ${i.fileName ?? i.sha256.slice(0, 12)}  ` +
                `${i.rows} rows, ${i.imported} new, ${i.duplicates} already on record  by ${i.importedBy.email ?? i.importedBy.id}`,
            ),
      );
    });

  const admin = group(program, 'admin', 'Server administration (admin accounts)');
  admin
    .command('staff-looks')
    .description('Every look by staff at an account’s records, newest first (admin)')
    .option('--limit <n>', 'how many', '100')
    .action(async (options: { limit: string }, command: Command) => {
      const ctx = commandContext(command);
      const page = await ctx
        .client()
        .request<StaffLookPage>('GET', '/admin/staff-looks', { query: { limit: options.limit } });
      ctx.out.result(page, () =>
        page.items.length === 0
          ? 'No looks recorded.'
          : page.items.map(
              (l) =>
                `${l.at}  ${l.staff.email ?? l.staff.id} looked at ${l.account ? (l.account.email ?? l.account.id) : '(no account)'}` +
                ` (${l.scope}): ${l.reason}`,
            ),
      );
    });
}
