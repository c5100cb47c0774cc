import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/src/platform/clock.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { createAccount, deviceDescription, signIn } from '../../server/test/support/api.ts';
import { BIN, Device, PASSWORD, REPO_ROOT, cleanUp, cliEnv, tempDir } from './support/cli.ts';
import { deviceFor, startAgent } from './sync-helpers.ts';

const BEIJING = '162.105.1.1';
const LONDON = '81.2.69.160';
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

/** Runs the CLI with stdout (and stdin) on a pseudo-terminal, as a person at a terminal would. */
function onTerminal(
  device: Device,
  args: string[],
): Promise<{ code: number | null; output: string; ms: number }> {
  const command = [process.execPath, BIN, '--server', device.server, '--home', device.home, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: cliEnv({ SHOEBOX_PASSWORD: PASSWORD }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

describe('session rules from the command line', { timeout: 180_000 }, () => {
  let server: TestServer;
  const email = 'lee@example.com';
  const phoneDevice = deviceDescription('Phone');

  beforeAll(async () => {
    server = await startTestServer('sqlite', { clock, config: { mediaWorkers: 0 } });
    await createAccount(server.url, email);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('a trusted device running `shoebox sync` prints each approval request as it arrives', async () => {
    const phone = await signIn(server.url, email, phoneDevice, BEIJING);
    expect(phone.response.device.status).toBe('trusted');
    const owner = deviceFor(server.url, 'owner-phone', phone);
    const agent = startAgent(owner, tempDir('lee-sync'), ['--interval', '600']);
    try {
      await agent.waitFor('up to date', 90_000);
      // The leaked password, from another country an hour's flight away, minutes later.
      const stranger = await signIn(
        server.url,
        email,
        deviceDescription('Galaxy', { model: 'SM-S921B', os: 'Android 15' }),
        LONDON,
      );
      const id = stranger.deviceId;
      expect(stranger.response.device.status).toBe('pending');
      await agent.waitFor(`  refuse  shoebox devices deny ${id}`, 20_000);
      const printed = agent.stderr();
      expect(printed).toContain(`approval requested by device "Galaxy" (${id}, from ${LONDON})\n`);
      expect(printed).toContain('  device  SM-S921B, Android 15\n');
      expect(printed).toMatch(
        new RegExp(`  from {4}[^\\n]*London[^\\n]*, IP ${LONDON.replaceAll('.', '\\.')}\\n`),
      );
      expect(printed).toMatch(/ {2}at {6}\d{4}-\d\d-\d\dT[\d:.]+Z \(answer before \d{4}-[^)]+\)\n/);
      // The phone in Beijing was in use minutes ago: a far concurrent session as well.
      expect(printed).toContain('  risk    new-country, impossible-travel, concurrent-far-session\n');
      expect(printed).toContain(`  allow   shoebox devices approve ${id}\n`);

      // The printed command works as printed.
      const approved = await owner.json<{ code: string; deviceId: string }>(['devices', 'approve', id]);
      expect(approved.deviceId).toBe(id);

      // When the agent's own session runs out, the server closes its socket and the agent stops, saying why.
      clock.skew = 8 * 86_400_000;
      await server.app.services.sessionExpiry.markExpired();
      await agent.waitFor('This device was signed out (session-expired)', 10_000);
    } finally {
      clock.skew = 0;
      await agent.stop();
    }
  });

  it('`shoebox login` waits for approval on a terminal, and returns pending at once otherwise', async () => {
    // The owner's phone signs in again (same installation, still trusted) to approve from.
    const owner = deviceFor(server.url, 'owner-again', await signIn(server.url, email, phoneDevice));

    // Piped stdout: no waiting; the pending state and how to finish.
    const piped = new Device(server.url, 'piped');
    const started = Date.now();
    const pending = await piped.login(email, ['--device-name', 'Script', '--timeout', '30']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(pending.status).toBe('pending');
    expect((pending as unknown as { hint: string }).hint).toContain(
      `shoebox login --email ${email} --code <code>`,
    );

    // Piped with --wait: it waits (and here gives up after its timeout).
    const insisting = new Device(server.url, 'insisting');
    const waited = await insisting.run(
      ['login', '--email', email, '--password-stdin', '--wait', '--timeout', '2'],
      { stdin: `${PASSWORD}\n` },
    );
    expect(waited.code).toBe(1);
    expect(waited.stdout).toBe('');
    expect(waited.stderr).toBe(
      'waiting for approval from one of your trusted devices…\nshoebox: Still waiting for approval; gave up.\n',
    );

    // On a terminal it waits without being asked.
    const person = new Device(server.url, 'person');
    const run = await onTerminal(person, ['login', '--email', email, '--timeout', '3']);
    expect(run.output).toContain('waiting for approval from one of your trusted devices');
    expect(run.output).toContain('Still waiting for approval; gave up.');
    expect(run.code).not.toBe(0);
    expect(run.ms).toBeGreaterThanOrEqual(3000);

    // The piped attempt is finished later with `login --code`, with the code the owner's device shows.
    const approved = await owner.json<{ code: string }>(['devices', 'approve', pending.deviceId]);
    const done = await piped.json<{ status: string; deviceId: string }>([
      'login',
      '--email',
      email,
      '--code',
      approved.code,
    ]);
    expect(done).toMatchObject({ status: 'trusted', deviceId: pending.deviceId });
  });
});
