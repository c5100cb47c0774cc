import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanUp, cliEnv, failed, okJson, shoebox, tempDir } from './support/cli.ts';

// `shoebox serve` loads the server only when asked to (every other command starts without it): this checks
// that the deferred load works, that the server it starts answers the CLI, and that it stops cleanly.
describe('shoebox serve', { timeout: 180_000 }, () => {
  afterAll(cleanUp);

  it('runs a server the CLI can talk to, and shuts down on SIGTERM', async () => {
    const data = tempDir('serve-data');
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--data', data, '--log-level', 'silent'],
      {
        env: cliEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const match = /^Shoebox is running at (http:\/\/127\.0\.0\.1:\d+) \(data in (.+)\)\n/.exec(stderr);
        if (match?.[2] === data && match[1]) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });

    try {
      const info = okJson<{ name: string; initialized: boolean; signupPolicy: string }>(
        await shoebox(['--server', url, '--home', tempDir('serve-home'), 'server-info', '--json']),
      );
      expect(info).toMatchObject({ name: 'shoebox', initialized: false, signupPolicy: 'closed' });
      expect(fs.existsSync(path.join(data, 'shoebox.db'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr.split('\n').slice(1)).toEqual(['Shutting down…', '']);
    expect(stdout).toBe('');
  });

  it('refuses a bad configuration with exit code 2 and one line', async () => {
    const run = await shoebox(['serve', '--port', '70000', '--data', tempDir('bad-serve')]);
    expect(failed(run, 2)).toMatch(/^Invalid configuration: - port: .*65535/);
  });
});
