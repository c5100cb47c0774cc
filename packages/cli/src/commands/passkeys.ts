import type { Command } from 'commander';
import type { PasskeyList, PasskeyRemoved } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { readPassword } from '../password.ts';

const BROWSER_ONLY =
  'Adding a passkey needs a browser and its authenticator (phone, security key, password manager): ' +
  'open Security in the web app. The command line can list and remove them.';

/** The account's passkeys: list them, remove one (asks for the password, like every factor change). */
export function registerPasskeys(program: Command): void {
  const passkeys = program
    .command('passkeys')
    .description('List the passkeys of the account (name, added, last used, user verification, backup)')
    .addHelpText('after', `\n${BROWSER_ONLY}`)
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const list = await ctx.client().request<PasskeyList>('GET', '/account/passkeys');
      ctx.out.result(list, () =>
        list.items.length === 0
          ? ['No passkeys.', BROWSER_ONLY]
          : list.items.map((p) =>
              [
                p.id,
                JSON.stringify(p.name),
                `added ${p.createdAt}`,
                p.lastUsedAt ? `last used ${p.lastUsedAt}` : 'never used',
                p.userVerified ? 'user-verified' : 'not user-verified',
                p.backedUp ? 'backed up' : p.backupEligible ? 'not backed up yet' : 'device-bound',
              ].join('  '),
            ),
      );
    });

  passkeys
    .command('remove <id>')
    .description('Remove a passkey (asks for the password); it signs in no more')
    .option('--password-stdin', 'read the password from standard input')
    .option('--keep-other-sessions', 'keep the other sessions signed in (by default they are signed out)')
    .action(
      async (
        id: string,
        options: { passwordStdin?: boolean; keepOtherSessions?: boolean },
        command: Command,
      ) => {
        const ctx = commandContext(command);
        const password = await readPassword(Boolean(options.passwordStdin));
        const done = await ctx
          .client()
          .request<PasskeyRemoved>('POST', `/account/passkeys/${encodeURIComponent(id)}/remove`, {
            json: { password, signOutOtherSessions: !options.keepOtherSessions },
          });
        ctx.out.result({ removed: id, ...done }, () => [
          'The passkey was removed.',
          ...(done.endedSessions
            ? [`${done.endedSessions} other session${done.endedSessions === 1 ? '' : 's'} signed out.`]
            : []),
        ]);
      },
    );
}
