import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { commandContext, type CommandContext } from '../context.ts';
import { keepCredential } from '../device-credential.ts';
import { wholeNumber } from '../options.ts';
import { CliError } from '../output.ts';
import type { EnrolmentStatus } from '../sync/trust-wait.ts';

/** Which kind of code a person typed: a trusted device's code, an authenticator code, an e-mailed one, a recovery code. */
export const CODE_METHODS = ['device-code', 'totp', 'email-code', 'recovery-code'] as const;
export type CodeMethod = (typeof CODE_METHODS)[number];

export const methodOption = () =>
  new Option('--method <kind>', 'what the code is (guessed from its shape when left out)').choices(
    CODE_METHODS,
  );

/**
 * Finishing a pending sign-in. `shoebox login` leaves a pending device with a session that can do nothing but
 * ask about its approval; these commands use that saved session to type in the code later.
 */
export function registerLoginWait(program: Command): void {
  program
    .command('enrol')
    .description(
      'Finish signing in a pending device with a code (from a trusted device, an app, e-mail or recovery)',
    )
    .requiredOption(
      '--code <code>',
      'the code: 6 digits from `shoebox devices approve` or an app, 8 e-mailed, or a recovery code',
    )
    .addOption(methodOption())
    .action(async (options: { code: string; method?: CodeMethod }, command: Command) => {
      const ctx = commandContext(command);
      const done = await completeWithCode(ctx, options.code, options.method);
      ctx.out.result(done, () => `This device (${done.deviceId}) is now trusted.`);
    });

  program
    .command('wait-approval')
    .description('Wait until a trusted device approves this one (asks for the code on a terminal)')
    .option('--timeout <seconds>', 'give up after this long', wholeNumber(1, 86_400), 600)
    .action(async (options: { timeout: number }, command: Command) => {
      const ctx = commandContext(command);
      await waitForApproval(ctx, options.timeout, (line) => ctx.out.note(line));
      const deviceId = ctx.state.deviceId ?? '';
      ctx.out.result({ state: 'approved', deviceId }, () => `This device (${deviceId}) is now trusted.`);
    });
}

/** Polls until the device is trusted; on a terminal, asks for the code once a trusted device allowed it. */
export async function waitForApproval(
  ctx: CommandContext,
  timeoutSeconds: number,
  note: (line: string) => void,
) {
  const client = ctx.client();
  const deadline = Date.now() + timeoutSeconds * 1000;
  let asked = false;
  note('waiting for approval from one of your trusted devices…');
  for (;;) {
    const s = await client.request<EnrolmentStatus>('GET', '/auth/enrolment');
    if (s.deviceStatus === 'trusted') return;
    if (s.deviceStatus !== 'pending') throw new CliError(`This device was ${s.deviceStatus}.`);
    // The code is shown on the approving device; only a person at a terminal can carry it over.
    if (s.enrolment?.codeIssued && process.stdin.isTTY && !asked) {
      asked = true;
      const code = await promptLine('Approved elsewhere: type the 6-digit code shown there: ');
      await completeWithCode(ctx, code, 'device-code');
      return;
    }
    if (Date.now() > deadline) throw new CliError('Still waiting for approval; gave up.', 1, 'pending');
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

export async function promptLine(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/**
 * Lets this pending device in with a code. Without --method: letters make a recovery code, 8 digits an e-mailed
 * code, and 6 digits the trusted device's code once one was issued, else the authenticator app's.
 */
export async function completeWithCode(
  ctx: CommandContext,
  raw: string,
  method?: CodeMethod,
): Promise<{ state: 'approved'; deviceId: string }> {
  const client = ctx.client();
  const code = raw.trim();
  let kind = method;
  let guessedApp = false;
  if (!kind) {
    if (/[a-z]/i.test(code)) kind = 'recovery-code';
    else if (/^\d{8}$/.test(code)) kind = 'email-code';
    else {
      const s = await client.request<EnrolmentStatus>('GET', '/auth/enrolment');
      kind = s.enrolment?.codeIssued ? 'device-code' : 'totp';
      guessedApp = kind === 'totp';
    }
  }
  type Done = { state: 'approved'; deviceId: string; deviceCredential?: string };
  const done =
    kind === 'device-code'
      ? await client.request<Done>('POST', '/auth/enrolment/complete', { json: { code } })
      : await client
          .request<Done>('POST', '/auth/enrolment/verify', { json: { method: kind, code } })
          .catch((err: unknown) => {
            // A 6-digit code before any trusted device issued one was taken for the app's: with no app either,
            // the likely mistake is typing a code before this device was approved.
            if (guessedApp && err instanceof CliError && err.code === 'conflict')
              throw new CliError(
                'No trusted device has approved this device yet, and the account has no authenticator app: approve it ' +
                  'on a trusted device first (`shoebox devices approve`), then type the code it shows.',
                1,
                'not_approved',
              );
            throw err;
          });
  // The credential stays in the home folder, out of what the command prints.
  if (ctx.state.email) keepCredential(ctx, ctx.state.email, done.deviceCredential);
  return { state: done.state, deviceId: done.deviceId };
}
