import { Option, type Command } from 'commander';
import type { AlbumMember, AlbumMembers } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { CliError } from '../output.ts';

const albumPath = (id: string) => `/albums/${encodeURIComponent(id)}`;

/** `albums share`, `albums unshare` and `albums members`: who else sees an album, and with which right. */
export function registerAlbumSharing(albums: Command): void {
  albums
    .command('share <id>')
    .description('Share an album with another account (or change its role)')
    .requiredOption('--with <email>', 'e-mail address of the account to share with')
    .addOption(
      new Option('--role <role>', 'view: see the photos; contribute: also add their own')
        .choices(['view', 'contribute'])
        .default('view'),
    )
    .action(async (id: string, options: { with: string; role: string }, command: Command) => {
      const ctx = commandContext(command);
      const member = await ctx.client().request<AlbumMember>('POST', `${albumPath(id)}/members`, {
        json: { email: options.with, role: options.role },
      });
      ctx.out.result(member, () => `Shared with ${member.email} (${member.role}).`);
    });

  albums
    .command('unshare <id>')
    .description(
      'Stop sharing an album with an account; with your own e-mail, leave an album shared with you',
    )
    .requiredOption('--with <email>', 'e-mail address of the member')
    .action(async (id: string, options: { with: string }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const { items } = await client.request<AlbumMembers>('GET', `${albumPath(id)}/members`);
      const email = options.with.trim().toLowerCase();
      const member = items.find((m) => m.email === email);
      if (!member) throw new CliError(`${options.with} is not a member of this album.`);
      await client.request('DELETE', `${albumPath(id)}/members/${encodeURIComponent(member.accountId)}`);
      ctx.out.result(
        { removed: member.accountId, email: member.email },
        () => `No longer shared with ${member.email}.`,
      );
    });

  albums
    .command('members <id>')
    .description('Who an album is shared with')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const members = await ctx.client().request<AlbumMembers>('GET', `${albumPath(id)}/members`);
      ctx.out.result(members, () => [
        `owner       ${members.owner.email}`,
        ...members.items.map((m) => `${m.role.padEnd(10)}  ${m.email}`),
      ]);
    });
}
