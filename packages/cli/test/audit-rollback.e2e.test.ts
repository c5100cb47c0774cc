// A server restored from a backup serves an older audit log than its devices saw. The device that witnessed a
// newer checkpoint is told, by `shoebox audit check` and by the sync agent (exit 3), that the log was rolled back;
// and still when the restored server has grown past the old size along another history.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSession,
  distinctCopy,
  eventually,
  type SignedIn,
  type TestClient,
} from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../server/test/support/server-process.ts';
import { deviceFor } from './sync-helpers.ts';
import { cleanUp, cliEnv, ok, okJson, shoebox, tempDir, type Device } from './support/cli.ts';

const PHOTO = corpusFile('cameras/casio-ex-z3.jpg');

describe('a device told of an audit log rolled back by a restore', { timeout: 180_000 }, () => {
  let port: number;
  let server: ServerProcess;
  let owner: SignedIn;
  let phone: Device;
  let uploads = 0;

  const checkpoint = async (client: TestClient) =>
    (await client.get<{ size: number }>('/api/audit/checkpoint')).body;
  /** Uploads `n` distinct photos (one audit entry each) and waits until a checkpoint covers them. */
  async function activity(client: TestClient, n: number): Promise<number> {
    const before = (await checkpoint(client)).size;
    for (let i = 0; i < n; i++) await client.uploadOk(distinctCopy(PHOTO, `rollback-${uploads++}`));
    return eventually(async () => {
      const { size } = await checkpoint(client);
      return size >= before + n ? size : undefined;
    });
  }
  const witnessed = () =>
    (JSON.parse(fs.readFileSync(`${phone.home}/audit-witness.json`, 'utf8')) as { latest: { size: number } })
      .latest.size;

  beforeAll(async () => {
    port = await freePort();
    server = await startServerProcess(['--data', tempDir('source')], {}, port);
    owner = await adminSession(server.url);
    phone = deviceFor(server.url, 'phone', owner);
  });
  afterAll(async () => {
    await server.kill();
    cleanUp();
  });

  it('says the log was rolled back from the size the device saw to the restored size, and exits 3', async () => {
    const data = server.child.spawnargs[server.child.spawnargs.indexOf('--data') + 1] ?? '';
    await activity(owner.client, 1);
    expect(ok(await phone.run(['audit', 'check']))).toMatch(/^first checkpoint pinned/);
    const dest = tempDir('backup');
    okJson(await shoebox(['backup', dest, '--data', data, '--json'], { env: cliEnv() }));
    // After the backup: more entries, and the phone witnesses them.
    const seen = await activity(owner.client, 3);
    expect(ok(await phone.run(['audit', 'check']))).toContain(`checkpoint ${seen} consistent with`);
    expect(witnessed()).toBe(seen);

    await server.kill();
    const restoredData = tempDir('restored');
    okJson(await shoebox(['restore-backup', dest, '--data', restoredData, '--json'], { env: cliEnv() }));
    server = await startServerProcess(['--data', restoredData], {}, port);
    // Entries of the backup not yet signed then are signed within a second of start.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const restored = await eventually(async () => (await checkpoint(owner.client)).size || undefined);
    expect(restored).toBeLessThan(seen);

    const check = await phone.run(['audit', 'check']);
    expect(check.code, check.stderr).toBe(3);
    expect(check.stderr).toContain(
      `AUDIT ALARM: the server's log was rolled back from size ${seen} to ${restored} (restored from a backup?).`,
    );
    const sync = await phone.run(['sync', tempDir('phone-photos'), '--once']);
    expect(sync.code, sync.stderr).toBe(3);
    // Each alarm is also reported to the server, as an entry of the restored log: it grows by those.
    const [, to] = /rolled back from size \d+ to (\d+) \(restored from a backup\?\)/.exec(sync.stderr) ?? [];
    expect(sync.stderr).toContain(`AUDIT ALARM: the server's log was rolled back from size ${seen} to `);
    expect(Number(to)).toBeGreaterThanOrEqual(restored);
    expect(Number(to)).toBeLessThan(seen);
    // The alarm does not make the phone accept the older log: it stays with what it saw.
    expect(witnessed()).toBe(seen);

    // The restored server is used until its log is longer than the one the phone saw, along another history.
    const grown = await activity(owner.client, seen - restored + 2);
    expect(grown).toBeGreaterThan(seen);
    const again = await phone.run(['audit', 'check']);
    expect(again.code, again.stderr).toBe(3);
    const [, grownTo] =
      new RegExp(
        `the server's log was rolled back from size ${seen} to between \\d+ and ${seen} \\(restored from a backup\\?\\), and has grown to (\\d+) entries since along another history\\.`,
      ).exec(again.stderr) ?? [];
    expect(Number(grownTo), again.stderr).toBeGreaterThanOrEqual(grown);
  });
});
