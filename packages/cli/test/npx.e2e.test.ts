import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, cleanUp, cliEnv } from './support/cli.ts';

const run = promisify(execFile);

// The workspace links the bin into the root's node_modules/.bin, so `npx shoebox` works from a checkout.
describe('npx shoebox from the repository root', { timeout: 120_000 }, () => {
  afterAll(cleanUp);

  it('is linked to the CLI package bin', () => {
    const link = path.join(REPO_ROOT, 'node_modules', '.bin', 'shoebox');
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(BIN));
  });

  it('prints the help with every command, and the version', async () => {
    const options = { cwd: REPO_ROOT, env: cliEnv() };
    const [help, version] = await Promise.all([
      run('npx', ['--no-install', 'shoebox', '--help'], options),
      run('npx', ['--no-install', 'shoebox', '--version'], options),
    ]);
    expect(help.stdout).toMatch(/^Usage: shoebox \[options\] \[command\]\n\nShoebox: your photo cloud/);
    const commands = [...(help.stdout.split('Commands:')[1] ?? '').matchAll(/^ {2}([a-z-]+)/gm)].map(
      (m) => m[1],
    );
    // Other commands may join; these must all be there.
    expect(commands).toEqual(
      expect.arrayContaining([
        'serve',
        'account',
        'admin',
        'server-info',
        'login',
        'logout',
        'whoami',
        'upload',
        'ls',
        'info',
        'get',
        'trash',
        'restore',
        'delete',
        'empty-trash',
        'albums',
        'help',
      ]),
    );
    expect(help.stderr).toBe('');
    expect(version.stdout).toBe('0.1.0\n');
  });
});
