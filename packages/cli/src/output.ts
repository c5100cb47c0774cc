/** How a command reports: one JSON document with --json, readable lines otherwise; errors as one line. */

/** Exit codes, documented in docs/cli.md; scripts tell usage mistakes (2) from failed operations (1). */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface Output {
  readonly json: boolean;
  /** The command's result: printed as JSON with --json, or by `human` otherwise. */
  result(value: unknown, human: () => string | string[]): void;
  /** Progress and notices go to stderr so stdout stays parseable. */
  note(line: string): void;
}

/**
 * Control characters other than newline and tab (terminal escapes, carriage returns), and the Unicode controls that
 * reorder text, shown as escapes: names and file names come from other devices, and printed raw they could rewrite
 * what the terminal shows (a pending device calling itself "laptop (trusted)" over its own line).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export const visible = (text: string): string =>
  text.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      if (json) {
        process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
        return;
      }
      const text = human();
      const lines = Array.isArray(text) ? text : [text];
      if (lines.length > 0) process.stdout.write(`${visible(lines.join('\n'))}\n`);
    },
    note(line) {
      process.stderr.write(`${visible(line)}\n`);
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
