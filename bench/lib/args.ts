import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Flag {
  type: 'string' | 'boolean';
  help: string;
}

export interface Flags {
  int(name: string, fallback: number): number;
  str(name: string): string | undefined;
  bool(name: string): boolean;
}

/** Parses `--name value` flags strictly; `--help` prints them and exits. */
export function readFlags(usage: string, spec: Record<string, Flag>): Flags {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean' } };
  for (const [name, flag] of Object.entries(spec)) options[name] = { type: flag.type };
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  if (values['help']) {
    console.log(usage);
    for (const [name, flag] of Object.entries(spec)) console.log(`  --${name.padEnd(14)} ${flag.help}`);
    process.exit(0);
  }
  const str = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    str,
    bool: (name) => values[name] === true,
    int(name, fallback) {
      const v = str(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${v}`);
      return n;
    },
  };
}
