import { CommanderError, type Command } from 'commander';
import { CliError, EXIT } from './output.ts';

/**
 * A failure whose `shoebox: …` line is followed by indented detail lines on stderr, one per item, for a refusal
 * that is about many things at once (every bad row of a `fleet import`). Still one failure: the first line is
 * the whole summary, and the rest never start with `shoebox:`.
 */
export class DetailedCliError extends CliError {
  constructor(
    message: string,
    readonly details: string[],
    exitCode?: number,
    code?: string,
  ) {
    super(message, exitCode, code);
  }
}

/**
 * Turns anything a command threw into the CLI's one failure format: a single `shoebox: …` line on stderr and
 * a non-zero exit code (2 for usage mistakes, 1 otherwise). Scripts can rely on that line being the whole
 * story, so multi-line messages are folded and stacks are never shown; only a DetailedCliError adds indented
 * lines after it.
 */
export function reportFailure(program: Command, args: string[], err: unknown): void {
  if (err instanceof CommanderError) {
    // --help, --version and `shoebox help` end here too, successfully; commander already printed them.
    if (err.exitCode === 0) return;
    const command = commandFor(program, args);
    // `shoebox help nosuch` asks for help on a command that does not exist: name it, like `shoebox nosuch`.
    const words = operands(program, args);
    const asked = words[0] === 'help' ? words[1] : undefined;
    if (err.code === 'commander.help' && asked && command === program)
      return fail(`unknown command '${asked}' (see \`shoebox --help\`)`, EXIT.usage);
    if (err.code === 'commander.help') return fail(missingCommand(command), EXIT.usage);
    const message = oneLine(err.message.replace(/^error: /, '')).replace(/\.$/, '');
    return fail(`${message} (see \`${commandPath(command)} --help\`)`, EXIT.usage);
  }
  if (err instanceof CliError) {
    fail(err.message, err.exitCode);
    if (err instanceof DetailedCliError)
      for (const line of err.details) process.stderr.write(`  ${oneLine(line)}\n`);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  fail(oneLine(message) || 'Unexpected failure.', EXIT.failure);
  // Anything that is not a CliError is a surprise, likely a bug: SHOEBOX_DEBUG=1 shows where it came from.
  if (process.env['SHOEBOX_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
}

/** The words of a command line without the program's own options and their values (`--home DIR`). */
function operands(program: Command, args: string[]): string[] {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words;
}

function fail(message: string, exitCode: number): void {
  process.stderr.write(`shoebox: ${oneLine(message)}\n`);
  process.exitCode = exitCode;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

/** The deepest command the arguments name, so a hint can point at that command's own --help. */
function commandFor(program: Command, args: string[]): Command {
  let command = program;
  for (const arg of args) {
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) command = sub;
  }
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** A group such as `shoebox albums` was given without one of its commands: name the ones it has. */
function missingCommand(command: Command): string {
  const path = commandPath(command);
  if (!command.parent) return 'No command given (see `shoebox --help`)';
  const names = command.commands.map((c) => c.name()).filter((n) => n !== 'help');
  if (names.length === 0) return `\`${path}\` was not complete (see \`${path} --help\`)`;
  return `\`${path}\` needs a command: ${names.join(', ')} (see \`${path} --help\`)`;
}
