import os from 'node:os';
import type { Command } from 'commander';
import type { SignInResponse, WhoAmI } from '@shoebox/shared';
import { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { readPassword } from '../password.ts';
import { CliError } from '../output.ts';
import { VERSION } from '../version.ts';

interface LoginOptions {
  email: string;
  passwordStdin?: boolean;
  deviceName?: string;
  deviceModel?: string;
  serial?: string;
}

export function registerSession(program: Command): void {
  program
    .command('login')
    .description('Sign this device in to an account')
    .requiredOption('--email <email>', 'the account e-mail')
    .option('--password-stdin', 'read the password from standard input')
    .option('--device-name <name>', 'name of this device (SHOEBOX_DEVICE_NAME)')
    .option('--device-model <model>', 'model of this device (SHOEBOX_DEVICE_MODEL)')
    .option('--serial <serial>', 'hardware serial number (SHOEBOX_DEVICE_SERIAL)')
    .action(async (options: LoginOptions, command: Command) => {
      const ctx = commandContext(command);
      const password = await readPassword(Boolean(options.passwordStdin));
      const env = process.env;
      const model = options.deviceModel ?? env['SHOEBOX_DEVICE_MODEL'];
      const serial = options.serial ?? env['SHOEBOX_DEVICE_SERIAL'];
      const signedIn = await ctx.anonymous().request<SignInResponse>('POST', '/auth/sign-in', {
        json: {
          email: options.email,
          password,
          device: {
            installationId: ctx.state.installationId,
            name: options.deviceName ?? env['SHOEBOX_DEVICE_NAME'] ?? os.hostname(),
            ...(model ? { model } : {}),
            os: `${os.type()} ${os.release()}`,
            appVersion: `shoebox-cli/${VERSION}`,
            ...(serial ? { serial } : {}),
          },
        },
      });
      ctx.save({
        ...ctx.state,
        server: ctx.server,
        token: signedIn.token,
        deviceId: signedIn.device.id,
        accountId: signedIn.account.id,
        email: signedIn.account.email,
      });
      const status = signedIn.device.status;
      ctx.out.result(
        {
          status,
          account: signedIn.account,
          device: signedIn.device,
          deviceId: signedIn.device.id,
          server: ctx.server,
        },
        () => {
          const signed = `Signed in to ${signedIn.account.email} as device "${signedIn.device.name}" (${signedIn.device.id})`;
          if (status === 'trusted') return `${signed}.`;
          // Not an error: the session exists, but the library stays closed until the device is approved.
          return (
            `${signed}, which is ${status}: approve it on a trusted device ` +
            `(\`shoebox devices approve ${signedIn.device.id}\`), then type the code here (\`shoebox enrol --code <code>\`).`
          );
        },
      );
    });

  program
    .command('logout')
    .description('End this device’s session')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { token, ...rest } = ctx.state;
      if (!token) throw new CliError('This device is not signed in.');
      // Sign out where the token came from, whatever --server says now.
      const server = ctx.state.server ?? ctx.server;
      try {
        await new ApiClient(server, token).request('POST', '/auth/sign-out');
      } catch (err) {
        // A session the server already ended is as good as signed out; keep the token on any other failure
        // so the user can retry and really end the session on the server.
        if (!(err instanceof CliError && err.code === 'unauthenticated')) throw err;
      }
      ctx.save(rest);
      ctx.out.result({ signedOut: true, server }, () => `Signed out of ${server}.`);
    });

  program
    .command('whoami')
    .description('The account, device and server of this device')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const me = await ctx.client().request<WhoAmI>('GET', '/me');
      ctx.out.result(
        {
          account: me.account,
          accountId: me.account.id,
          email: me.account.email,
          deviceId: me.device.id,
          device: me.device,
          session: me.session,
          server: ctx.server,
        },
        () => [
          `account  ${me.account.email} (${me.account.role}, ${me.account.id})`,
          `device   ${me.device.name} (${me.device.id}, ${me.device.status})`,
          `server   ${ctx.server}`,
        ],
      );
    });
}
