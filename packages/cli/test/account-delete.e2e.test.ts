import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDeletion } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { eventually } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { execFile } from 'node:child_process';
import { BIN, Device, cleanUp, cliEnv, createAccount, failed, ok, PASSWORD, tempDir } from './support/cli.ts';
import fs from 'node:fs';
import path from 'node:path';

// Deleting accounts through the CLI against a real server: the owner must confirm (--yes without a terminal), the
// device forgets its session, the account's photos and rows go; an admin deletes another account with a reason,
// never without one, and nobody else can.
describe('account deletion through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let erin: Device;
  let frank: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = new Device(server.url, 'admin');
    erin = new Device(server.url, 'erin');
    frank = new Device(server.url, 'frank');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com');
    await Promise.all([createAccount(admin, 'erin@example.com'), createAccount(admin, 'frank@example.com')]);
    await Promise.all([erin.login('erin@example.com'), frank.login('frank@example.com')]);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  const exists = async (email: string) =>
    (await server.database.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst()) !== undefined;

  it('deletes your own account only when confirmed, and forgets the session', async () => {
    const dir = tempDir('erin-photos');
    fs.copyFileSync(corpusFile('cameras/gopro-hero6-8x8.jpg'), path.join(dir, 'one.jpg'));
    ok(await erin.run(['upload', dir]));
    expect(failed(await erin.run(['account', 'delete']), 2)).toBe(
      'Refusing to delete an account without confirmation: pass --yes.',
    );
    expect(failed(await frank.run(['account', 'delete', 'erin@example.com', '--yes']), 2)).toMatch(
      /--reason/,
    );
    expect(
      failed(await frank.run(['account', 'delete', 'erin@example.com', '--yes', '--reason', 'mine'])),
    ).toMatch(/admin/i);
    expect(await exists('erin@example.com')).toBe(true);

    const done = JSON.parse(
      ok(
        await erin.run(['account', 'delete', '--yes', '--password-stdin', '--json'], {
          stdin: `${PASSWORD}\n`,
        }),
      ),
    ) as AccountDeletion;
    expect(done.state).toBe('scheduled');
    expect(failed(await erin.run(['whoami']))).toMatch(/Not signed in/);
    await eventually(async () => ((await exists('erin@example.com')) ? undefined : true), 30_000, 'deletion');
    const photos = await server.database.db
      .selectFrom('photos')
      .select('id')
      .where('account_id', '=', done.accountId)
      .execute();
    expect(photos).toEqual([]);
  });

  /** The CLI at a real terminal (a pseudo-terminal from util-linux `script`), typing `input`. */
  const atTerminal = (device: Device, args: string[], input: string) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const command = [process.execPath, BIN, '--server', device.server, '--home', device.home, ...args]
        .map((a) => `'${a}'`)
        .join(' ');
      const child = execFile(
        'script',
        ['-qec', command, '/dev/null'],
        { env: cliEnv(), timeout: 60_000 },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout }),
      );
      child.stdin?.end(input);
    });

  it('asks for the e-mail at a terminal, and deletes nothing when it does not match', async () => {
    const gail = new Device(server.url, 'gail');
    await createAccount(admin, 'gail@example.com');
    await gail.login('gail@example.com');
    const wrong = await atTerminal(gail, ['account', 'delete'], 'gale@example.com\n');
    expect(wrong.output).toContain('It cannot be undone.');
    expect(wrong.output).toContain('Type the account’s e-mail (gail@example.com) to delete it:');
    expect(wrong.output).toContain('The e-mail typed does not match; nothing was deleted.');
    expect(wrong.code).toBe(130);
    expect(await exists('gail@example.com')).toBe(true);
    const right = await atTerminal(gail, ['account', 'delete'], 'gail@example.com\n');
    expect(right.output).toContain('Your account gail@example.com is being deleted');
    expect(right.code).toBe(0);
    await eventually(async () => ((await exists('gail@example.com')) ? undefined : true), 30_000, 'deletion');
  });

  it('lets an admin delete another account with a reason', async () => {
    expect(failed(await admin.run(['account', 'delete', 'frank@example.com', '--yes']), 2)).toBe(
      'Deleting another account needs --reason (it is recorded).',
    );
    expect(
      ok(await admin.run(['account', 'delete', 'frank@example.com', '--yes', '--reason', 'left the family'])),
    ).toMatch(/^frank@example\.com is being deleted \(requested .+\); its sessions have ended\.\n$/);
    await eventually(
      async () => ((await exists('frank@example.com')) ? undefined : true),
      30_000,
      'deletion',
    );
    expect(failed(await frank.run(['ls']))).toMatch(/session|sign in/i);
    expect(
      failed(await admin.run(['account', 'delete', 'nobody@example.com', '--yes', '--reason', 'x'])),
    ).toBe('No account with e-mail nobody@example.com.');
  });
});
