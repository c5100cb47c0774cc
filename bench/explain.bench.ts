// npx tsx bench/explain.bench.ts [--photos N] [--entries N] [--database postgres://…] [--keep FILE.db]
// Seeds one account with N photos (half from each of two devices, delivered to the first in 100 sync
// batches) inside an audit log of `entries` entries (the rest belong to 49 other accounts), then times
// GET /api/explain's service call for the delivered scope and the whole library (median of 3 warm runs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Frontier, leafHash } from '@shoebox/shared/merkle/index';
import { openDatabase, type DatabaseHandle } from '../packages/server/src/adapters/db/database.ts';
import { migrateToLatest } from '../packages/server/src/adapters/db/migrate.ts';
import { encodeBody } from '../packages/server/src/audit/audit.codec.ts';
import { kindCode } from '../packages/server/src/audit/audit.kind-codes.ts';
import { KEY_BYTES, derivedSalt, eventText, makeLeaf } from '../packages/server/src/audit/audit.leaf.ts';
import { STORED_LEVEL, nodeRowId } from '../packages/server/src/audit/audit.tree.ts';
import type { AuditInput } from '../packages/server/src/audit/audit.kinds.ts';
import { upload } from '../packages/server/src/audit/audit.test-support.ts';
import { rebuildUploadIndex } from '../packages/server/src/evidence/evidence.rebuild.ts';
import { createEvidenceService } from '../packages/server/src/evidence/evidence.service.ts';
import type { Principal } from '../packages/server/src/platform/principal.ts';
import { readFlags } from './lib/args.ts';

const flags = readFlags('npx tsx bench/explain.bench.ts [flags]', {
  photos: { type: 'string', help: 'photos of the explained account (default 100000)' },
  entries: { type: 'string', help: 'audit log entries in all (default 1000000)' },
  database: { type: 'string', help: 'a PostgreSQL URL to run on instead of SQLite' },
  keep: { type: 'string', help: 'SQLite file to seed once and reuse on later runs (kept)' },
});
const PHOTOS = flags.int('photos', 100_000);
const ENTRIES = Math.max(flags.int('entries', 1_000_000), PHOTOS + 200);
const log = (line: string) => process.stderr.write(`${line}\n`);
const ACCOUNT = '00000000-0000-7000-8000-00000000a000';
const OTHERS = Array.from({ length: 49 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`);
const [D1, D2, S1, S2] = ['dev-1', 'dev-2', 'ses-1', 'ses-2'];
const CHUNK = 400;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-explain-bench-'));
const keep = flags.str('keep');
const reuse = keep !== undefined && fs.existsSync(keep);
const url = flags.str('database') ?? `sqlite:${keep ?? path.join(dir, 'bench.db')}`;
const handle: DatabaseHandle = await openDatabase({ url });
await migrateToLatest(handle.db as never, handle.dialect);
const { db } = handle;
const sha = (i: number) => createHash('sha256').update(`photo ${i}`).digest('hex');
const photoId = (i: number) => `photo-${String(i).padStart(8, '0')}`;

async function seedRows(): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('accounts')
    .values({
      id: ACCOUNT,
      email: 'bench@example.com',
      display_name: 'bench',
      password_hash: 'x',
      role: 'user',
      created_at: now,
      password_changed_at: now,
    } as never)
    .execute();
  for (const [id, name] of [
    [D1, 'Buyer’s phone'],
    [D2, 'Second phone'],
  ] as const)
    await db
      .insertInto('devices')
      .values({
        id,
        account_id: ACCOUNT,
        installation_id: id,
        name,
        status: 'trusted',
        created_at: now,
        last_seen_at: now,
      } as never)
      .execute();
  for (let from = 0; from < PHOTOS; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, PHOTOS - from) }, (_, k) => from + k);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('blobs')
        .values(ids.map((i) => ({ sha256: sha(i), size: 1000, created_at: now })))
        .execute();
      await trx
        .insertInto('photos')
        .values(
          ids.map((i) => ({
            id: photoId(i),
            account_id: ACCOUNT,
            sha256: sha(i),
            size: 1000,
            mime: 'image/jpeg',
            status: 'active' as const,
            sort_time: now - i,
            media_state: 'ready' as const,
            uploaded_at: now - i,
            upload_device_id: i % 2 ? D2 : D1,
            upload_session_id: i % 2 ? S2 : S1,
            upload_ip: '210.39.1.1',
          })),
        )
        .execute();
      await trx
        .insertInto('changes')
        .values(
          ids.map((i) => ({
            account_id: ACCOUNT,
            kind: 'photo.added',
            entity_id: photoId(i),
            body: '{}',
            created_at: now,
          })),
        )
        .execute();
    });
  }
}

/**
 * The account's own story, then its uploads spread through a log mostly of other accounts. Rows are computed with
 * the log's own leaf and tree code and written in multi-row inserts: appending a million entries one by one through
 * the log would take a quarter of an hour on a shared machine, and explain never depends on how a row was written.
 */
async function seedLog(): Promise<void> {
  const place = null;
  const ours: AuditInput[] = [
    {
      accountId: ACCOUNT,
      kind: 'sign-in.succeeded',
      body: { deviceId: D1, sessionId: S1, factors: ['password'], riskFlags: [], ip: '162.105.1.1', place },
    },
    {
      accountId: ACCOUNT,
      kind: 'enrolment.requested',
      body: { enrolmentId: 'e-2', deviceId: D2, deviceName: 'Second phone', ip: '210.39.1.1', place },
    },
    {
      accountId: ACCOUNT,
      kind: 'sign-in.succeeded',
      body: { deviceId: D2, sessionId: S2, factors: ['password'], riskFlags: [], ip: '210.39.1.1', place },
    },
    {
      accountId: ACCOUNT,
      kind: 'enrolment.approved',
      body: {
        enrolmentId: 'e-2',
        enrolledDeviceId: D2,
        deviceId: D1,
        sessionId: S1,
        factor: 'trusted-device',
        ip: null,
      },
    },
  ];
  for (let i = 0; i < PHOTOS; i++)
    ours.push({
      accountId: ACCOUNT,
      kind: 'photo.uploaded',
      body: {
        photoId: photoId(i),
        sha256: sha(i),
        deviceId: i % 2 ? D2 : D1,
        sessionId: i % 2 ? S2 : S1,
        ip: '210.39.1.1',
        place,
      },
    });
  const batches = 100;
  for (let b = 0; b < batches; b++) {
    const from = Math.floor((b * PHOTOS) / batches);
    const to = Math.floor(((b + 1) * PHOTOS) / batches);
    ours.push({
      accountId: ACCOUNT,
      kind: 'sync.delivered',
      body: { deviceId: D1, fromChange: from, toChange: to, count: to - from, digest: '0'.repeat(64) },
    });
  }
  const keys = new Map([ACCOUNT, ...OTHERS].map((id) => [id, randomBytes(KEY_BYTES)]));
  await db
    .insertInto('audit_keys')
    .values([...keys].map(([account_id, key]) => ({ account_id, key, created_at: 0 })))
    .execute();
  await db
    .insertInto('audit_owners')
    .values([...keys.keys()].map((account_id) => ({ account_id })))
    .execute();
  const owners = new Map(
    (await db.selectFrom('audit_owners').selectAll().execute()).map((o) => [o.account_id, Number(o.no)]),
  );
  const every = ENTRIES / ours.length;
  const frontier = Frontier.empty();
  let next = 0;
  const started = performance.now();
  for (let seq = 0; seq < ENTRIES;) {
    const events: { seq: number; owner: number | null; kind: number; body: Buffer; created_at: number }[] =
      [];
    const leaves: { seq: number; leaf: Buffer }[] = [];
    const nodes: { id: number; hash: Buffer }[] = [];
    for (let k = 0; k < 2000 && seq < ENTRIES; k++, seq++) {
      const mine = next < ours.length && (seq >= next * every || ENTRIES - seq <= ours.length - next);
      const input = mine ? ours[next++] : upload(OTHERS[seq % OTHERS.length] ?? null, seq);
      if (!input) throw new Error('no input');
      const at = Date.now();
      // As the log writes rows since migration 0024: packed body, salt derived from the key (none stored).
      const key = keys.get(input.accountId ?? '') ?? Buffer.alloc(32);
      const leaf = makeLeaf(key, seq, derivedSalt(key, seq), eventText(seq, at, input));
      const owner = owners.get(input.accountId ?? '') ?? null;
      events.push({ seq, owner, kind: kindCode(input.kind), body: encodeBody(input.body), created_at: at });
      leaves.push({ seq, leaf });
      for (const n of frontier.append(leafHash(leaf)))
        if (n.level >= STORED_LEVEL)
          nodes.push({ id: nodeRowId(n.level, n.index), hash: Buffer.from(n.hash) });
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < events.length; i += 500) {
        await trx
          .insertInto('audit_events')
          .values(events.slice(i, i + 500))
          .execute();
        await trx
          .insertInto('audit_leaves')
          .values(leaves.slice(i, i + 500))
          .execute();
      }
      for (let i = 0; i < nodes.length; i += 500)
        await trx
          .insertInto('audit_nodes')
          .values(nodes.slice(i, i + 500))
          .execute();
    });
    if (seq % 100_000 === 0)
      log(`  ${seq} entries (${Math.round(seq / ((performance.now() - started) / 1000))}/s)`);
  }
  log(`  log: ${ENTRIES} entries, ${ours.length} of them the account's`);
  // The upload index, derived from the log as the upload transaction would have written it.
  await rebuildUploadIndex(db);
  log('  upload index rebuilt from the log');
}

log(`seeding ${PHOTOS} photos and ${ENTRIES} audit entries on ${handle.dialect} in ${dir}`);
if (!reuse) {
  await seedRows();
  await seedLog();
}
const device = await db.selectFrom('devices').selectAll().where('id', '=', D1).executeTakeFirstOrThrow();
const account = await db
  .selectFrom('accounts')
  .selectAll()
  .where('id', '=', ACCOUNT)
  .executeTakeFirstOrThrow();
const actor = { account, device, session: { id: S1 }, ip: null } as unknown as Principal;
const evidence = createEvidenceService({ db, deliveries: { deliveriesOf: () => Promise.resolve([]) } });

async function time(
  library: boolean,
): Promise<{ cold: number; median: number; cpu: number; total: number; bytes: number }> {
  const runs: number[] = [];
  const cpus: number[] = [];
  let total = 0;
  let bytes = 0;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const report = await evidence.explain(actor, { library, limit: 200 });
    bytes = JSON.stringify(report).length;
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
    total = report.total;
  }
  const warm = runs.slice(1).sort((a, b) => a - b);
  const warmCpu = cpus.slice(1).sort((a, b) => a - b);
  return { cold: runs[0] ?? 0, median: warm[1] ?? 0, cpu: warmCpu[1] ?? 0, total, bytes };
}

const delivered = await time(false);
const library = await time(true);
const row = (name: string, r: typeof delivered) =>
  `| ${name} | ${r.total.toLocaleString('en')} | ${r.cold.toFixed(0)} ms | ${r.median.toFixed(0)} ms | ${r.cpu.toFixed(0)} ms | ${(r.bytes / 1024).toFixed(0)} KB |`;
process.stdout.write(
  [
    `explain, ${handle.dialect}: ${PHOTOS.toLocaleString('en')} photos, ${ENTRIES.toLocaleString('en')} log entries`,
    `load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`,
    '| scope | photos | first run | median of 3 warm (wall) | median CPU time | JSON |',
    '|---|---|---|---|---|---|',
    row('delivered (default)', delivered),
    row('whole library', library),
    '',
  ].join('\n'),
);
await handle.close();
fs.rmSync(dir, { recursive: true, force: true });
