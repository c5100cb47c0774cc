import type { Command } from 'commander';
import type { PasswordChanged } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { CliError } from '../output.ts';
import { readPassword } from '../password.ts';

interface ChangeOptions {
  passwordStdin?: boolean;
  keepSessions?: boolean;
  keepOtherSessions?: boolean;
  withoutCurrent?: boolean;
}

export function registerPassword(program: Command): void {
  const password = program.command('password').description('The account password');
  password
    .command('change')
    .description('Change the password; other sessions are signed out unless --keep-other-sessions')
    .option('--password-stdin', 'read the current and the new password from standard input, one per line')
    .option('--keep-other-sessions', 'keep the other sessions signed in')
    .option('--keep-sessions', 'same as --keep-other-sessions')
    .option('--without-current', 'after "This wasn\'t me": set a new password without the current one')
    .action(async (options: ChangeOptions, command: Command) => {
      const ctx = commandContext(command);
      let current: string | undefined;
      let next: string;
      if (options.passwordStdin) {
        const lines = (await readPassword(true)).split(/\r?\n/);
        [current, next = ''] = options.withoutCurrent ? [undefined, lines[0]] : [lines[0], lines[1]];
      } else {
        current = options.withoutCurrent ? undefined : await readPassword(false, 'Current password: ');
        next = process.env['SHOEBOX_NEW_PASSWORD'] ?? (await readPassword(false, 'New password: '));
      }
      if (!next) throw new CliError('No new password given.');
      const done = await ctx.client().request<PasswordChanged>('POST', '/account/password', {
        json: {
          ...(current !== undefined ? { currentPassword: current } : {}),
          newPassword: next,
          signOutOtherSessions: !(options.keepSessions === true || options.keepOtherSessions === true),
        },
      });
      ctx.out.result(
        done,
        () =>
          `Password changed; ${done.endedSessions} other session${done.endedSessions === 1 ? '' : 's'} signed out.`,
      );
    });
}
