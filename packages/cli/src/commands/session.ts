import os from 'node:os';
import type { Command } from 'commander';
import type { SignInResponse, WhoAmI } from '@shoebox/shared';
import { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { readPassword } from '../password.ts';
import { CliError } from '../output.ts';
import { credentialFor, keepCredential } from '../device-credential.ts';
import { VERSION } from '../version.ts';
import type { EnrolmentStatus } from '../sync/trust-wait.ts';
import { wholeNumber } from '../options.ts';
import {
  completeWithCode,
  methodOption,
  promptLine,
  waitForApproval,
  type CodeMethod,
} from './login-wait.ts';

interface LoginOptions {
  email: string;
  passwordStdin?: boolean;
  deviceName?: string;
  deviceModel?: string;
  serial?: string;
  code?: string;
  method?: CodeMethod;
  emailCode?: boolean;
  wait?: boolean;
  timeout: number;
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
    .option(
      '--code <code>',
      'let this new device in with a code: authenticator app, e-mailed, recovery, or a trusted device’s',
    )
    .addOption(methodOption())
    .option('--email-code', 'e-mail a one-time code to the account (when the server can send mail)')
    .option('--wait', 'wait for approval from a trusted device (the default when stdout is a terminal)')
    .option('--no-wait', 'return at once with the pending state (the default when stdout is not a terminal)')
    .option('--timeout <seconds>', 'how long to wait for approval', wholeNumber(1, 86_400), 600)
    .action(async (options: LoginOptions, command: Command) => {
      const ctx = commandContext(command);
      // `login --code` on a device that is already waiting finishes that attempt: signing in again would
      // replace it (and void an e-mailed code).
      if (options.code && ctx.state.token && ctx.state.server === ctx.server) {
        const s = await ctx
          .client()
          .request<EnrolmentStatus>('GET', '/auth/enrolment')
          .catch(() => undefined);
        if (s?.deviceStatus === 'pending') {
          const done = await completeWithCode(ctx, options.code, options.method);
          const me = await ctx.client().request<WhoAmI>('GET', '/me');
          ctx.out.result(
            {
              status: 'trusted',
              account: me.account,
              device: me.device,
              deviceId: done.deviceId,
              server: ctx.server,
            },
            () => `This device (${done.deviceId}) is now trusted.`,
          );
          return;
        }
      }
      const password = await readPassword(Boolean(options.passwordStdin));
      const env = process.env;
      // Signing in again is the same device: it keeps the name, model and serial it gave unless told otherwise.
      const kept = ctx.state.description;
      const name = options.deviceName ?? env['SHOEBOX_DEVICE_NAME'] ?? kept?.name ?? os.hostname();
      const model = options.deviceModel ?? env['SHOEBOX_DEVICE_MODEL'] ?? kept?.model;
      const serial = options.serial ?? env['SHOEBOX_DEVICE_SERIAL'] ?? kept?.serial;
      const previous = ctx.state.token
        ? { server: ctx.state.server ?? ctx.server, token: ctx.state.token }
        : null;
      const signedIn = await ctx.anonymous().request<SignInResponse>('POST', '/auth/sign-in', {
        json: {
          email: options.email,
          password,
          device: {
            installationId: ctx.state.installationId,
            name,
            ...(model ? { model } : {}),
            os: `${os.type()} ${os.release()}`,
            appVersion: `shoebox-cli/${VERSION}`,
            ...(serial ? { serial } : {}),
          },
          // The CLI and its sync agent are a device: their session lives while the device is trusted and used.
          client: 'device',
          // Without it, a device the account trusts waits for approval again, like a new one.
          deviceCredential: credentialFor(ctx, options.email),
        },
      });
      ctx.save({
        ...ctx.state,
        // The server's id for this device when the one sent was a trusted device's, without its credential.
        ...(signedIn.installationId ? { installationId: signedIn.installationId } : {}),
        server: ctx.server,
        token: signedIn.token,
        deviceId: signedIn.device.id,
        accountId: signedIn.account.id,
        email: signedIn.account.email,
        description: { name, ...(model ? { model } : {}), ...(serial ? { serial } : {}) },
      });
      keepCredential(ctx, signedIn.account.email, signedIn.deviceCredential);
      // The session this home held before is replaced, so it ends: one device, one live session. A session the
      // server already ended, or a server gone, leaves nothing to end.
      if (previous && previous.token !== signedIn.token)
        await new ApiClient(previous.server, previous.token)
          .request('POST', '/auth/sign-out')
          .catch(() => undefined);
      let status = signedIn.device.status;
      let device = signedIn.device;
      // Waiting needs someone watching: a script (stdout piped) gets the pending state at once unless --wait.
      const wait = options.wait ?? Boolean(process.stdout.isTTY);
      if (status === 'pending') {
        const client = ctx.client();
        const note = (line: string) => ctx.out.note(line);
        let code = options.code;
        if (!code && options.emailCode) {
          const sent = await client.request<{ sentTo: string; expiresAt: string }>(
            'POST',
            '/auth/enrolment/email-code',
          );
          note(`A code was e-mailed to ${sent.sentTo}; it works until ${sent.expiresAt}.`);
          if (process.stdin.isTTY && wait) code = await promptLine('Code from the e-mail: ');
        }
        if (code) await completeWithCode(ctx, code, code === options.code ? options.method : 'email-code');
        else if (wait) await waitForApproval(ctx, options.timeout, note);
        if (code || wait) {
          device = (await client.request<WhoAmI>('GET', '/me')).device;
          status = device.status;
        }
      }
      const finish = `shoebox login --email ${signedIn.account.email} --code <code>`;
      ctx.out.result(
        {
          status,
          account: signedIn.account,
          device,
          deviceId: signedIn.device.id,
          server: ctx.server,
          ...(status === 'pending'
            ? {
                hint: `Approve it on a trusted device (shoebox devices approve ${signedIn.device.id}), then: ${finish}`,
              }
            : {}),
        },
        () => {
          const signed = `Signed in to ${signedIn.account.email} as device "${signedIn.device.name}" (${signedIn.device.id})`;
          if (status === 'trusted') return `${signed}.`;
          // Not an error: the session exists, but the library stays closed until the device is approved.
          return (
            `${signed}, which is ${status}: approve it on a trusted device ` +
            `(\`shoebox devices approve ${signedIn.device.id}\`), then finish here with \`${finish}\` ` +
            `(or an authenticator, e-mailed or recovery code).`
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
