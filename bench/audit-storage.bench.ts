// Audit log storage per entry with real upload entries (issue 5: at most 200 bytes per entry):
//   npx tsx bench/audit-storage.bench.ts [--entries 20000] [--per-session 200] [--db sqlite|postgres]
// Each entry is what an upload records: a photo UUID, its SHA-256, the uploading device's and session's UUIDs, a
// public IPv4 address and the place the real IP-geolocation database gives it. 50 accounts with 2 devices each
// upload through the real AuditLog (recordMany, 500 per transaction) into a freshly migrated database, each device
// signing in afresh (a new session, from another of its two places) every --per-session uploads; the signer's
// tree extension then stores the nodes. Reported: bytes per entry of every audit table and index (SQLite: dbstat
// pages; PostgreSQL: relation sizes after VACUUM), besides the session-5 figure of the storage before migration 0024.
// On PostgreSQL also after the signer's packing (migration 0029): at once, and once every kind was quiet for a day.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../packages/server/src/adapters/db/database.ts';
import { openGeoLocator } from '../packages/server/src/adapters/geo/mmdb-locator.ts';
import { createTreeExtender } from '../packages/server/src/audit/audit.extend.ts';
import type { AuditInput } from '../packages/server/src/audit/audit.kinds.ts';
import { createAuditLog } from '../packages/server/src/audit/audit.log.ts';
import { auditPlace } from '../packages/server/src/audit/audit.recorder.ts';
import { readFlags } from './lib/args.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const flags = readFlags('npx tsx bench/audit-storage.bench.ts [flags]', {
  entries: { type: 'string', help: 'upload entries to append (default 20000)' },
  db: { type: 'string', help: 'sqlite or postgres (default both)' },
  'per-session': { type: 'string', help: 'uploads per session of a device (default 200)' },
});
const ENTRIES = flags.int('entries', 20_000);
const ONLY = flags.str('db') ?? '';
const PER_SESSION = flags.int('per-session', 200);
const TARGET = 200;
const DAY = 24 * 3600_000;
/** Session 5, the same kind of entry in the storage before migration 0024 (SQLite): docs/benchmarks.md. */
const BEFORE_SQLITE = 794;
/** Public addresses spread over several countries (documentation ranges have no place, so real allocations). */
const ADDRESSES = ['1.0.16.1', '8.8.8.8', '14.215.177.38', '31.13.64.35', '41.203.18.1', '77.88.55.60',
  '103.21.244.1', '133.242.0.1', '151.101.1.69', '185.60.216.35', '200.160.2.3', '202.12.27.33']; // prettier-ignore

async function uploads(n: number): Promise<AuditInput[]> {
  const geo = await openGeoLocator();
  const places = ADDRESSES.map((ip) => ({ ip, place: auditPlace(geo.locate(ip)) }));
  const nowhere: { ip: string | null; place: (typeof places)[number]['place'] } = { ip: null, place: null };
  const accounts = Array.from({ length: 50 }, () => ({
    id: randomUUID(),
    devices: [randomUUID(), randomUUID()].map((deviceId, i) => ({
      deviceId,
      sessionId: randomUUID(),
      uploads: 0,
      // Home and one other place (work, travel): sessions alternate between them.
      places: [0, 1].map((k) => places[(i * 5 + k * 7 + deviceId.charCodeAt(0)) % places.length]),
      from: nowhere,
    })),
  }));
  return Array.from({ length: n }, (_, i) => {
    const account = accounts[i % accounts.length];
    const device = account?.devices[Math.floor(i / accounts.length) % 2];
    if (!account || !device) throw new Error('unreachable');
    if (device.uploads % PER_SESSION === 0) {
      device.sessionId = randomUUID();
      device.from = device.places[(device.uploads / PER_SESSION) % 2] ?? nowhere;
    }
    device.uploads++;
    return {
      accountId: account.id,
      kind: 'photo.uploaded',
      body: {
        photoId: randomUUID(),
        sha256: createHash('sha256').update(randomBytes(16)).digest('hex'),
        deviceId: device.deviceId,
        sessionId: device.sessionId,
        ip: device.from.ip,
        place: device.from.place,
      },
    };
  });
}

async function sizes(h: DatabaseHandle, full: boolean): Promise<{ name: string; bytes: number }[]> {
  if (h.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string; bytes: number }>`select name, sum(pgsize) as bytes from dbstat
      where name like 'audit%' or name like 'sqlite_autoindex_audit%' group by name`.execute(h.db);
    return rows;
  }
  // After packing, VACUUM FULL: the hot rows' freed space is what later appends reuse, so a running log's hot
  // tables hold about their live rows; counting the freed pages would charge the packed entries twice.
  await sql.raw(full ? 'vacuum full analyze' : 'vacuum analyze').execute(h.db);
  const { rows } = await sql<{ name: string; bytes: string }>`select c.relname as name,
      case c.relkind when 'r' then pg_table_size(c.oid) else pg_relation_size(c.oid) end as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname like 'audit%' and c.relkind in ('r', 'i')`.execute(h.db);
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}

async function measure(h: DatabaseHandle, inputs: AuditInput[]): Promise<void> {
  const log = createAuditLog({ features: h.features, clock: { now: () => Date.now() } });
  for (let i = 0; i < inputs.length; i += 500)
    await h.db.transaction().execute((trx) => log.recordMany(trx, inputs.slice(i, i + 500)));
  const { size } = await createTreeExtender({
    db: h.db,
    features: h.features,
    clock: { now: () => Date.now() },
  }).extend();
  await report(h, size, 'as appended');
  if (!h.features.auditPack) return;
  // The signer packs what the tree covers: full blocks at once, the rest of an owner's kind after a quiet day.
  const packed = await h.features.auditPack(h.db, size, Date.now() - DAY);
  await report(h, size, `packed (${packed.leafBlocks} leaf blocks, ${packed.eventBlocks} full event blocks)`);
  const sealed = await h.features.auditPack(h.db, size, Date.now() + 1);
  await report(h, size, `a day later (${sealed.eventBlocks} more, partial, event blocks)`);
}

async function report(h: DatabaseHandle, size: number, label: string): Promise<void> {
  // Keys, owners and checkpoints are per account or per second, not per entry.
  const perEntry = (await sizes(h, label !== 'as appended')).filter(
    (r) => !/keys|owners|checkpoints|halts|witnessed/.test(r.name),
  );
  const total = perEntry.reduce((s, r) => s + r.bytes, 0) / size;
  const parts = perEntry
    .filter((r) => r.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .map((r) => `${r.name} ${(r.bytes / size).toFixed(1)}`)
    .join(', ');
  const before =
    h.dialect === 'sqlite'
      ? ` | before migration 0024: ${BEFORE_SQLITE} (${(BEFORE_SQLITE / total).toFixed(2)}x)`
      : '';
  out(
    `${h.dialect}, ${label}: ${total.toFixed(1)} bytes/entry over ${size} upload entries | target ${TARGET}: ${total <= TARGET ? 'met' : 'missed'}${before}`,
  );
  out(`  ${parts}`);
}

async function main(): Promise<void> {
  out(`node ${process.version}, ${os.cpus().length} cpu, ${ENTRIES} entries`);
  const inputs = await uploads(ENTRIES);
  if (ONLY !== 'postgres') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-storage-'));
    const h = await openDatabase({ url: `sqlite:${path.join(dir, 'audit.db')}` });
    try {
      await measure(h, inputs);
    } finally {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (ONLY !== 'sqlite') {
    const url = process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `audit_storage_${randomBytes(4).toString('hex')}`;
    const h = await openDatabase({ url, schema });
    try {
      await measure(h, inputs);
    } finally {
      await sql.raw(`drop schema ${schema} cascade`).execute(h.db);
      await h.close();
    }
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
