// The device side of the audit log against a real server: the witness accepts only checkpoints that
// extend what it saw, an export verifies offline with the real `shoebox audit verify`, and every
// change, deletion, reordering or insertion of a log row in the database makes verification fail.
import fs from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test/support/databases.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { adminSession, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { auditDb, type AuditDb } from '../../server/src/audit/audit.db.ts';
import { dataOf, keyOf, swap, type Table } from '../../server/src/audit/audit.test-support.ts';
import { encodeBody } from '../../server/src/audit/audit.codec.ts';
import { loadTerms, openRow, ownerOf, type StoredRow } from '../../server/src/audit/audit.event-row.ts';
import { kindCode } from '../../server/src/audit/audit.kind-codes.ts';
import { ApiClient } from '../src/api-client.ts';
import { buildExport, verifyExport, type AuditExport } from '../src/audit-export.ts';
import { AuditAlarm, loadWitness, witnessCheckpoint, witnessFile } from '../src/audit-witness.ts';
import { cleanUp, failed, shoebox, tempDir } from './support/cli.ts';

type Row = Record<string, unknown>;

async function rowOf(db: AuditDb, table: Table, at: number): Promise<Row> {
  return await db
    .selectFrom(table)
    .selectAll()
    .where(keyOf[table] as never, '=', at as never)
    .executeTakeFirstOrThrow();
}

/** Each tampering returns how to undo it, so the cases run one after another on one log. */
async function tamper(
  db: AuditDb,
  table: Table,
  how: string,
  a: number,
  b: number,
): Promise<() => Promise<void>> {
  const key = keyOf[table];
  const where = (q: { where: (...args: never[]) => unknown }, at: number) =>
    q.where(key as never, '=' as never, at as never);
  const original = await rowOf(db, table, a);
  if (how === 'reorder') {
    await swap(db, table, a, b);
    return () => swap(db, table, a, b);
  }
  if (how === 'delete') {
    await (where(db.deleteFrom(table), a) as { execute(): Promise<unknown> }).execute();
    return async () => {
      await db.insertInto(table).values(original).execute();
    };
  }
  const data = dataOf[table];
  const value = original[data];
  const changed =
    table === 'audit_events'
      ? await changedIp(db, original as unknown as StoredRow)
      : Buffer.from(value as Uint8Array).map((x, i, all) => (i === Math.min(20, all.length - 1) ? x ^ 1 : x));
  if (changed === null) throw new Error(`nothing to change in ${table} ${a}`);
  await (
    where(db.updateTable(table).set({ [data]: changed } as never), a) as {
      execute(): Promise<unknown>;
    }
  ).execute();
  return async () => {
    await (
      where(db.updateTable(table).set({ [data]: value } as never), a) as {
        execute(): Promise<unknown>;
      }
    ).execute();
  };
}

/**
 * The stored body of `row` with another address: well-formed (it decodes and opens), so only the leaf can tell.
 * Null when the entry logs no address.
 */
async function changedIp(db: AuditDb, row: StoredRow): Promise<Buffer | null> {
  const event = openRow(row, await loadTerms(db, [row]));
  if (typeof event?.body['ip'] !== 'string') return null;
  return encodeBody({ ...event.body, ip: '198.51.100.1' });
}

afterAll(cleanUp);

describe.each(DIALECTS)('audit witness, export and offline verification (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let client: ApiClient;
  let home: string;
  let db: AuditDb;
  let mine: number[];
  let terms: [number, number];

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url);
    client = new ApiClient(`${server.url}`, owner.response.token);
    home = tempDir(`witness-${dialect}`);
    // Enough entries for stored subtree nodes (16 leaves each) to sit inside the proofs.
    const photo = await owner.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'));
    for (let i = 0; i < 20; i++) {
      await owner.client.post(`/api/photos/${photo.id}/trash`);
      await owner.client.post(`/api/photos/${photo.id}/restore`);
    }
    db = auditDb(server.database.db);
    const rows = await db
      .selectFrom('audit_events')
      .select('seq')
      .where('owner', '=', ownerOf(owner.account.id))
      .orderBy('seq')
      .execute();
    mine = rows.map((r) => Number(r.seq));
    const named = await db
      .selectFrom('audit_terms')
      .select('no')
      .where('owner', '=', ownerOf(owner.account.id))
      .orderBy('no')
      .execute();
    terms = [Number(named[0]?.no), Number(named[1]?.no)];
    expect(terms.every(Number.isInteger)).toBe(true);
  });
  afterAll(() => server.close());

  it('exports and verifies offline with the real CLI, and pins the checkpoint it saw', async () => {
    const doc = await buildExport(client, home);
    expect(doc.events.map((e) => e.seq)).toEqual(mine);
    expect(doc.leaves).toHaveLength(doc.checkpoint.size);
    expect(verifyExport(doc)).toMatchObject({ ok: true, events: mine.length, problems: [] });
    expect(loadWitness(home)?.latest.size).toBe(doc.checkpoint.size);
    const file = path.join(tempDir('export'), 'audit.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const run = await shoebox(['audit', 'verify', file, '--server', 'http://127.0.0.1:9']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${mine.length} events verified; checkpoints consistent; no undisclosed events for this account up to size ${doc.checkpoint.size}\n`,
    );
    // Any edit of the file is caught too.
    const edited: AuditExport = { ...doc, events: doc.events.slice(1) };
    fs.writeFileSync(file, JSON.stringify(edited));
    const bad = await shoebox(['audit', 'verify', file]);
    expect(bad.code).toBe(1);
    // A missing file fails the operation (exit 1, as docs/cli.md says), with one line.
    const missing = await shoebox(['audit', 'verify', `${file}.missing`]);
    expect(failed(missing, 1)).toMatch(/^Cannot read .*audit\.json\.missing as an audit export: ENOENT/);
    expect(bad.stdout).toMatch(
      /VERIFICATION FAILED:\n {2}- entry \d+ belongs to this account but was not disclosed/,
    );
  });

  it('fails when a decoded copy beside the committed text is edited (body, time, tag, commitment, leaf)', async () => {
    const doc = await buildExport(client, home);
    const target = doc.events.find((e) => e.body && Object.keys(e.body).length > 0);
    if (!target?.body || !target.createdAt) throw new Error('no event with a body and a time to edit');
    const edits: [string, (e: AuditExport['events'][number]) => void][] = [
      ['body', (e) => void (e.body = { ...e.body, ip: '6.6.6.6' })],
      [
        'createdAt',
        (e) => void (e.createdAt = new Date(Date.parse(e.createdAt ?? '') + 3600_000).toISOString()),
      ],
      ['tag', (e) => void (e.tag = Buffer.alloc(16, 7).toString('base64'))],
      ['commitment', (e) => void (e.commitment = Buffer.alloc(32, 7).toString('base64'))],
      ['leaf', (e) => void (e.leaf = Buffer.alloc(48, 7).toString('base64'))],
    ];
    for (const [field, edit] of edits) {
      const copy = structuredClone(doc);
      const event = copy.events.find((e) => e.seq === target.seq);
      if (!event) throw new Error('lost the event');
      edit(event);
      const report = verifyExport(copy);
      expect(report.ok, field).toBe(false);
      expect(report.problems).toEqual([
        `event ${target.seq} (${target.kind}): its ${field} is not what the committed text says`,
      ]);
    }
    expect(verifyExport(structuredClone(doc)).ok).toBe(true);
  });

  const cases: [Table, string][] = [
    ['audit_events', 'change'],
    ['audit_events', 'delete'],
    ['audit_events', 'reorder'],
    ['audit_leaves', 'change'],
    ['audit_leaves', 'delete'],
    ['audit_leaves', 'reorder'],
    ['audit_nodes', 'change'],
    ['audit_nodes', 'delete'],
    ['audit_nodes', 'reorder'],
    // The account's device id and session id, named by every entry its device wrote.
    ['audit_terms', 'change'],
    ['audit_terms', 'delete'],
    ['audit_terms', 'reorder'],
  ];
  it.each(cases)('fails when a row of %s is tampered with (%s)', async (table, how) => {
    // Rows of this account's own entries late in the log (their proofs use the stored nodes).
    const [a, b] =
      table === 'audit_nodes'
        ? [0, 1]
        : table === 'audit_terms'
          ? terms
          : [mine.at(-3) ?? 0, mine.at(-2) ?? 0];
    const undo = await tamper(db, table, how, a, b);
    try {
      const outcome = await buildExport(client, home).then(verifyExport, (err: Error) => err);
      // A server that can no longer build proofs from the damaged rows says so (audit_log_damaged): an alarm.
      if (outcome instanceof Error) expect(outcome.message).toMatch(/^AUDIT ALARM/);
      else {
        expect(outcome.ok).toBe(false);
        expect(outcome.problems.length).toBeGreaterThan(0);
      }
    } finally {
      await undo();
    }
    expect(verifyExport(await buildExport(client, home)).ok).toBe(true);
  });

  it('raises the alarm when the log goes backwards, forks, or does not extend what was seen', async () => {
    // Each alarm is reported to the server, which grows the log: start each case from its newest checkpoint.
    const witnessed = async () => {
      await server.app.services.checkpointer.signNow();
      const dir = tempDir('witness-alarm');
      await witnessCheckpoint(client, dir);
      const held = loadWitness(dir);
      if (!held) throw new Error('no witness state');
      return { dir, held };
    };
    let { dir: fresh, held: state } = await witnessed();
    const save = (s: typeof state) => fs.writeFileSync(witnessFile(fresh), JSON.stringify(s));
    const fakeRoot = Buffer.alloc(32, 9).toString('base64');

    save({ ...state, latest: { ...state.latest, size: state.latest.size + 5 } });
    await expect(witnessCheckpoint(client, fresh)).rejects.toThrow(
      /rolled back from size.*Reported to the server \(audit entry \d+\)/,
    );

    ({ dir: fresh, held: state } = await witnessed());
    save({
      ...state,
      latest: { ...state.latest, root: fakeRoot },
      seen: [{ ...state.latest, root: fakeRoot }],
    });
    await expect(witnessCheckpoint(client, fresh)).rejects.toThrow(/two different logs/);

    ({ dir: fresh, held: state } = await witnessed());
    save({ ...state, latest: { ...state.latest, size: state.latest.size - 3, root: fakeRoot }, seen: [] });
    const err = await witnessCheckpoint(client, fresh).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditAlarm);
    expect((err as AuditAlarm).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/does not extend/);

    ({ dir: fresh, held: state } = await witnessed());
    save({ ...state, verifierKey: state.verifierKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
    await expect(witnessCheckpoint(client, fresh)).rejects.toThrow(/another key/);
  });
  it('fails when an entry about the account is inserted without being disclosed', async () => {
    const key = Buffer.from((await client.request<{ key: string }>('GET', '/audit/key')).key, 'base64');
    const lastSeq = async () =>
      Number(
        (await db.selectFrom('audit_leaves').select('seq').orderBy('seq', 'desc').executeTakeFirstOrThrow())
          .seq,
      );
    // Not on a 16-leaf boundary: the forged leaf must not need a stored node to be hashed.
    const photo = (await owner.client.get<{ items: { id: string }[] }>('/api/photos')).body.items[0];
    if ((await lastSeq()) % 16 === 14) await owner.client.post(`/api/photos/${photo?.id}/trash`);
    const seq = (await lastSeq()) + 1;
    // The operator holds the keys: it can forge a leaf with the account's tag, but not hide it from the scan.
    const tag = createHmac('sha256', key)
      .update(Buffer.from(seq.toString(16).padStart(16, '0'), 'hex'))
      .digest();
    await db
      .insertInto('audit_leaves')
      .values({ seq, leaf: Buffer.concat([tag, Buffer.alloc(32, 7)]) })
      .execute();
    await db.insertInto('audit_owners').values({ account_id: 'someone-else' }).execute();
    await db
      .insertInto('audit_events')
      .values({
        seq,
        owner: ownerOf('someone-else'),
        kind: kindCode('photo.uploaded'),
        body: encodeBody({}),
        salt: Buffer.alloc(16),
        created_at: Date.now(),
      })
      .execute();
    // The background checkpointer may sign it first.
    await server.app.services.checkpointer.signNow();
    expect((await server.app.services.checkpointer.latest())?.size).toBe(seq + 1);
    const outcome = await buildExport(client, home).then(verifyExport, (err: Error) => err);
    if (outcome instanceof Error) expect(outcome.message).toMatch(/AUDIT ALARM|audit/i);
    else expect(outcome.problems.join('\n')).toMatch(/not disclosed|beyond|leaves/);
  });
});
