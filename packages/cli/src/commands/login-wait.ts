import readline from 'node:readline/promises';
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { wholeNumber } from '../options.ts';
import { CliError } from '../output.ts';
import type { EnrolmentStatus } from '../sync/trust-wait.ts';

/**
 * Finishing a pending sign-in. `shoebox login` leaves a pending device with a session that can do nothing but
 * ask about its approval; these commands use that saved session to type in the code later.
 */
export function registerLoginWait(program: Command): void {
  program
    .command('enrol')
    .description('Finish signing in a pending device with the code shown on a trusted one')
    .requiredOption('--code <code>', 'the 6-digit code from `shoebox devices approve`')
    .action(async (options: { code: string }, command: Command) => {
      const ctx = commandContext(command);
      const done = await complete(ctx.client(), options.code);
      ctx.out.result(done, () => `This device (${done.deviceId}) is now trusted.`);
    });

  program
    .command('wait-approval')
    .description('Wait until a trusted device approves this one (asks for the code on a terminal)')
    .option('--timeout <seconds>', 'give up after this long', wholeNumber(1, 86_400), 600)
    .action(async (options: { timeout: number }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const deadline = Date.now() + options.timeout * 1000;
      let asked = false;
      ctx.out.note('waiting for approval from one of your trusted devices…');
      for (;;) {
        const s = await client.request<EnrolmentStatus>('GET', '/auth/enrolment');
        if (s.deviceStatus === 'trusted') break;
        if (s.deviceStatus !== 'pending') throw new CliError(`This device was ${s.deviceStatus}.`);
        // The code is shown on the approving device; only a person at a terminal can carry it over.
        if (s.enrolment?.codeIssued && process.stdin.isTTY && !asked) {
          asked = true;
          const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
          const code = await rl.question('Approved elsewhere: type the 6-digit code shown there: ');
          rl.close();
          await complete(client, code);
          break;
        }
        if (Date.now() > deadline) throw new CliError('Still waiting for approval; gave up.', 1, 'pending');
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      const deviceId = ctx.state.deviceId ?? '';
      ctx.out.result({ state: 'approved', deviceId }, () => `This device (${deviceId}) is now trusted.`);
    });
}

function complete(client: ApiClient, code: string) {
  return client.request<{ state: 'approved'; deviceId: string }>('POST', '/auth/enrolment/complete', {
    json: { code: code.trim() },
  });
}
