import type { Command } from 'commander';
import QRCode from 'qrcode';
import type { RecoveryCodes, SecurityStatus, TotpConfirmed, TotpSetup } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext, type CommandContext } from '../context.ts';
import { readPassword } from '../password.ts';
import { promptLine } from './login-wait.ts';

interface KeepOption {
  keepOtherSessions?: boolean;
}

const KEEP_HELP = 'keep the other sessions signed in (by default a factor change signs them out)';

/** Second factors: an authenticator app (TOTP) and recovery codes. Changes re-ask for the password. */
export function registerSecurity(program: Command): void {
  const security = program
    .command('security')
    .description('Second factors of the account, and whether a password change is required')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const s = await ctx.client().request<SecurityStatus>('GET', '/account/security');
      ctx.out.result(s, () => [
        `authenticator app  ${s.totp.enabled ? `on since ${s.totp.since ?? '?'}` : 'off'}`,
        `recovery codes     ${s.recoveryCodes.remaining} left`,
        `e-mailed codes     ${s.emailCodes ? 'available' : 'not configured on this server'}`,
        ...(s.passwordChangeRequired
          ? ['password           must be changed (`shoebox password change`)']
          : []),
      ]);
    });

  const totp = security.command('totp').description('The authenticator app (TOTP)');
  totp
    .command('setup')
    .description('Set up an authenticator app: prints the secret once, then confirm with a first code')
    .option('--password-stdin', 'read the password from standard input')
    .option('--code <code>', 'confirm at once with this code (else asked on a terminal)')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(setupTotp);

  totp
    .command('confirm')
    .description('Confirm the authenticator app with a code it shows')
    .requiredOption('--code <code>', 'the 6-digit code')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(async (options: { code: string } & KeepOption, command: Command) => {
      const ctx = commandContext(command);
      await confirm(ctx, ctx.client(), options.code, options);
    });

  totp
    .command('remove')
    .description('Remove the authenticator app (asks for the password)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(removeTotp);

  security
    .command('recovery-codes')
    .description('Make 10 new recovery codes (the old ones stop working); asks for the password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(newRecoveryCodes);

  // The names the product brief uses, kept as synonyms.
  const twoFactor = program.command('2fa').description('Same as `shoebox security`');
  const twoFactorTotp = twoFactor.command('totp').description('The authenticator app (TOTP)');
  twoFactorTotp
    .command('enable')
    .description('Same as `shoebox security totp setup`')
    .option('--password-stdin', 'read the password from standard input')
    .option('--code <code>', 'confirm at once with this code')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(setupTotp);
  twoFactorTotp
    .command('disable')
    .description('Same as `shoebox security totp remove`')
    .option('--password-stdin', 'read the password from standard input')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(removeTotp);
  program
    .command('recovery-codes')
    .description('Same as `shoebox security recovery-codes`')
    .option('--password-stdin', 'read the password from standard input')
    .option('--keep-other-sessions', KEEP_HELP)
    .action(newRecoveryCodes);
}

async function setupTotp(options: { passwordStdin?: boolean; code?: string } & KeepOption, command: Command) {
  const ctx = commandContext(command);
  const client = ctx.client();
  const password = await readPassword(Boolean(options.passwordStdin));
  const setup = await client.request<TotpSetup>('POST', '/account/totp', { json: { password } });
  let code = options.code;
  // Block characters (no colours), so the code scans on light and dark terminals alike.
  const qr = await QRCode.toString(setup.uri, { type: 'utf8', errorCorrectionLevel: 'M' });
  if (!code && process.stdin.isTTY && !ctx.out.json) {
    ctx.out.note(`Scan this with your authenticator app:\n${qr}`);
    ctx.out.note(`Or add this link: ${setup.uri}\n(or type the key ${setup.secret})`);
    code = await promptLine('Code shown by the app: ');
  }
  if (!code) {
    ctx.out.result({ ...setup, confirmed: false }, () => [
      'Scan this with your authenticator app:',
      qr,
      `Or add this link: ${setup.uri}`,
      `or type the key: ${setup.secret}`,
      'Then confirm with `shoebox security totp confirm --code <code>`.',
    ]);
    return;
  }
  await confirm(ctx, client, code, options);
}

async function removeTotp(options: { passwordStdin?: boolean } & KeepOption, command: Command) {
  const ctx = commandContext(command);
  const password = await readPassword(Boolean(options.passwordStdin));
  await ctx.client().request('POST', '/account/totp/remove', {
    json: { password, signOutOtherSessions: !options.keepOtherSessions },
  });
  ctx.out.result({ totp: { enabled: false } }, () => 'The authenticator app was removed.');
}

async function newRecoveryCodes(options: { passwordStdin?: boolean } & KeepOption, command: Command) {
  const ctx = commandContext(command);
  const password = await readPassword(Boolean(options.passwordStdin));
  const codes = await ctx.client().request<RecoveryCodes>('POST', '/account/recovery-codes', {
    json: { password, signOutOtherSessions: !options.keepOtherSessions },
  });
  ctx.out.result(codes, () => [...recoveryLines(codes), ...endedLine(codes.endedSessions)]);
}

async function confirm(ctx: CommandContext, client: ApiClient, code: string, keep: KeepOption) {
  const done = await client.request<TotpConfirmed>('POST', '/account/totp/confirm', {
    json: { code: code.trim(), signOutOtherSessions: !keep.keepOtherSessions },
  });
  ctx.out.result(done, () => [
    'The authenticator app is set up.',
    ...endedLine(done.endedSessions),
    ...(done.recoveryCodes ? ['', ...recoveryLines(done.recoveryCodes)] : []),
  ]);
}

function endedLine(ended: number | undefined): string[] {
  if (!ended) return [];
  return [`${ended} other session${ended === 1 ? '' : 's'} signed out.`];
}

function recoveryLines(codes: RecoveryCodes): string[] {
  return [
    'Recovery codes (each works once; keep them somewhere safe, they are not shown again):',
    ...codes.codes.map((c) => `  ${c}`),
  ];
}
