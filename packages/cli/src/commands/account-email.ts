import type { Command } from 'commander';
import type { EmailChange } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { readPassword } from '../password.ts';

interface EmailOptions {
  code?: string;
  keepOtherSessions?: boolean;
  passwordStdin?: boolean;
}

function describe(done: EmailChange, command: string): string[] {
  if (done.status === 'pending')
    return [
      `A code was sent to ${done.sentTo ?? done.newEmail}; it works until ${done.expiresAt ?? '?'}.`,
      `Finish with: ${command} --code CODE`,
    ];
  const ended = `${done.endedSessions} other session${done.endedSessions === 1 ? '' : 's'} signed out`;
  return [`E-mail address changed to ${done.email}; ${ended}. Sign in with it from now on.`];
}

/** `shoebox account email NEW [--code CODE]`: the password first, then (with SMTP) the code sent to NEW. */
export function registerAccountEmail(account: Command): void {
  account
    .command('email <new-email>')
    .description(
      "Change this account's e-mail address (asks for the password; when the server sends e-mail, a code goes to the new address)",
    )
    .option('--code <code>', 'the code sent to the new address, to finish the change')
    .option('--keep-other-sessions', 'keep the other sessions signed in')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (newEmail: string, options: EmailOptions, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const again = `shoebox account email ${newEmail}`;
      if (options.code !== undefined) {
        // The change is bound to this device's session, which already proved the password.
        const done = await client.request<EmailChange>('POST', '/account/email/confirm', {
          json: { code: options.code, newEmail },
        });
        ctx.out.result(done, () => describe(done, again));
        return;
      }
      const password = await readPassword(Boolean(options.passwordStdin));
      let done = await client.request<EmailChange>('POST', '/account/email', {
        json: { newEmail, password, signOutOtherSessions: options.keepOtherSessions !== true },
      });
      // At a terminal the code can be typed at once; scripts finish later with --code.
      if (done.status === 'pending' && process.stdin.isTTY && !ctx.out.json) {
        ctx.out.note(describe(done, again)[0] ?? '');
        const code = await readCodeFromTerminal();
        if (code)
          done = await client.request<EmailChange>('POST', '/account/email/confirm', {
            json: { code, newEmail },
          });
      }
      ctx.out.result(done, () => describe(done, again));
    });
}

async function readCodeFromTerminal(): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question('Code from the e-mail (empty to finish later): ')).trim();
  } finally {
    rl.close();
  }
}
