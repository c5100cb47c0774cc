// Exactly one of several instances signs audit checkpoints, and when it dies another takes over within the
// lease time. Real `shoebox serve` processes on one PostgreSQL database with a shared log key; the holder is
// killed with SIGKILL, so it releases nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openCheckpoint } from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, eventually, signIn, type SignedIn } from '../../test/support/api.ts';
import { TEST_POSTGRES_URL, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { CHECKPOINT_LEASE } from './audit.checkpointer.ts';
import { publicKeyFile } from './audit.keyfile.ts';

const LEASE_MS = 10_000;

describe('audit signer lease across real instances', { timeout: 120_000 }, () => {
  const database = `shoebox_lease_${randomBytes(4).toString('hex')}`;
  const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${database}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-lease-'));
  let admin: TestDatabase;
  let watch: DatabaseHandle;
  const instances: ServerProcess[] = [];
  let owner: SignedIn;

  // Without the runtime-defaults launcher, so the child whose pid the test kills is the instance named in the lease.
  const env = { SHOEBOX_LOG_KEY: path.join(root, 'keys', 'log.key'), SHOEBOX_RUNTIME_DEFAULTS: 'off' };
  const start = (name: string) =>
    startServerProcess(['--data', path.join(root, name), '--database', url], env);

  async function state(): Promise<{ leaves: number; signed: number; holder: string | undefined }> {
    const { rows } = await sql<{ leaves: string; signed: string | null; lease: string | null }>`
      select (select count(*) from audit_all_leaves) as leaves,
             (select max(size) from audit_checkpoints) as signed,
             (select value from settings where key = ${`lease:${CHECKPOINT_LEASE}`}) as lease`.execute(
      watch.db,
    );
    const row = rows[0];
    const lease = row?.lease ? (JSON.parse(row.lease) as { holder: string }) : undefined;
    return { leaves: Number(row?.leaves), signed: Number(row?.signed ?? 0), holder: lease?.holder };
  }
  const pidOf = (holder: string | undefined) => Number(holder?.split('/')[1]);

  beforeAll(async () => {
    admin = await openTestDatabase('postgres');
    await sql`CREATE DATABASE ${sql.raw(database)}`.execute(admin.db);
    // One after the other: the first one creates the schema.
    instances.push(await start('one'));
    instances.push(await start('two'));
    watch = await openDatabase({ url });
    owner = await adminSession(instances[0]?.url ?? '');
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill()));
    await watch.close();
    // Killed processes' connections go a moment later.
    for (let tries = 0; tries < 20; tries++) {
      const dropped = await sql`DROP DATABASE IF EXISTS ${sql.raw(database)}`.execute(admin.db).then(
        () => true,
        () => false,
      );
      if (dropped) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await admin.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('has one signer; killing it moves the lease, and checkpoints go on within the lease time', async () => {
    const first = await eventually(async () => {
      const s = await state();
      return s.leaves > 0 && s.signed === s.leaves ? s : undefined;
    });
    const holderPid = pidOf(first.holder);
    const pids = instances.map((i) => i.child.pid);
    expect(pids).toContain(holderPid);
    const holder = instances.find((i) => i.child.pid === holderPid);
    const survivor = instances.find((i) => i.child.pid !== holderPid);
    if (!holder || !survivor) throw new Error('no holder');
    // While the holder lives the lease stays with it, through several renewals.
    await new Promise((r) => setTimeout(r, LEASE_MS * 0.8));
    await signIn(survivor.url, owner.account.email);
    const renewed = await eventually(async () => {
      const s = await state();
      return s.signed === s.leaves && s.leaves > first.leaves ? s : undefined;
    });
    expect(pidOf(renewed.holder)).toBe(holderPid);

    await holder.kill('SIGKILL');
    const killedAt = Date.now();
    // New entries through the survivor: they wait for a signature until the dead holder's lease runs out.
    await signIn(survivor.url, owner.account.email);
    const after = await eventually(
      async () => {
        const s = await state();
        return s.signed === s.leaves && s.leaves > renewed.leaves ? s : undefined;
      },
      LEASE_MS + 5000,
      'a checkpoint signed by the surviving instance',
    );
    const took = Date.now() - killedAt;
    expect(pidOf(after.holder)).toBe(survivor.child.pid);
    expect(took).toBeLessThan(LEASE_MS + 2000);

    // The survivor's checkpoint is under the same key, and the API serves it.
    const reply = await fetch(`${survivor.url}/api/audit/checkpoint`, {
      headers: { authorization: `Bearer ${owner.client.token ?? ''}` },
    });
    const cp = (await reply.json()) as { size: number; note: string; verifierKey: string };
    expect(cp.size).toBeGreaterThanOrEqual(after.signed);
    const vkey = fs.readFileSync(publicKeyFile(env.SHOEBOX_LOG_KEY), 'utf8').trim();
    expect(cp.verifierKey).toBe(vkey);
    expect(openCheckpoint(cp.note, vkey).ok).toBe(true);
  });
});
