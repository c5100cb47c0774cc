// `shoebox explain` and `shoebox info --provenance` through the real bin: the report names the other
// device and where it signed in, and nothing is printed when a cited entry does not check out.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ExplainReport } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { createAccount, deviceDescription, signIn, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { encodeBody } from '../../server/src/audit/audit.codec.ts';
import { loadTerms, openRow } from '../../server/src/audit/audit.event-row.ts';
import { kindCode } from '../../server/src/audit/audit.kind-codes.ts';
import { cleanUp, ok, shoebox, tempDir } from './support/cli.ts';

// Real DB-IP places (through the trusted test proxy): Beijing, and Nanshan (Shenzhen), ~1,930 km away.
const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';

describe('shoebox explain (sqlite)', () => {
  let server: TestServer;
  let buyer: SignedIn;
  let home: string;
  let photoId: string;
  let secondId: string;
  const run = (...args: string[]) => shoebox([...args, '--home', home, '--server', server.url]);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await createAccount(server.url, 'owner@example.com');
    buyer = await signIn(server.url, 'owner@example.com', deviceDescription('Buyer’s phone'), BEIJING);
    const second = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('Second phone', { model: 'Phone 9', serial: 'SN-2' }),
      SHENZHEN,
    );
    const requests = await buyer.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const id = requests.body.items.find((r) => r.device.id === second.deviceId)?.id;
    const { code } = (await buyer.client.post<{ code: string }>(`/api/enrolments/${id}/allow`)).body;
    await second.client.post('/api/auth/enrolment/complete', { code });
    secondId = second.deviceId;
    photoId = (await second.client.uploadOk(corpusFile('phones/htc-desire.jpg'))).id;
    const feed = await buyer.client.get<{ cursor: string }>('/api/sync/changes');
    await buyer.client.post('/api/sync/ack', { cursor: feed.body.cursor, count: 1 });
    home = tempDir('explain');
    fs.writeFileSync(
      path.join(home, 'device.json'),
      JSON.stringify({
        installationId: randomUUID(),
        server: server.url,
        token: buyer.response.token,
        deviceId: buyer.deviceId,
        accountId: buyer.account.id,
      }),
    );
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('names the other device, its sign-in place and approval, after checking every citation', async () => {
    const text = ok(await run('explain'));
    expect(text).toMatch(
      /Uploaded by another device of this account: “Second phone” \(Phone 9, serial SN-2\): 1 photo/,
    );
    // Minutes after the buyer's phone signed in from Beijing, the second phone's sign-in from Shenzhen was unusual.
    const flagged =
      /signed in +\S+ from 210\.39\.1\.1 \((.*Nanshan|.*Shenzhen).*\) with password — UNUSUAL: impossible travel, distant session in use \[\d+\]/;
    expect(text).toMatch(flagged);
    // Something for the owner to check, not a fault: not headed WARNING under "no anomalies".
    expect(text).toMatch(
      /^ {2}CHECK: 1 photo\(s\) came from another device of this account, “Second phone”/m,
    );
    expect(text).toMatch(/^ +signed in +\S+ from 162\.105\.1\.1 \(.*\) with password \[\d+\]$/m);
    expect(text).toMatch(/approved +\S+ from “Buyer’s phone” with trusted-device \[\d+\]/);
    expect(text).toMatch(new RegExp(`${photoId} +uploaded .*delivered .*\\[\\d+\\]`));
    expect(text).toMatch(/(\d+) of \1 cited entries verified against checkpoint \d+\./);
    const json = JSON.parse(ok(await run('explain', '--json'))) as ExplainReport & {
      verified: { checked: number };
    };
    expect(json.groups[0]?.origin).toBe('other-device');
    expect(json.verified.checked).toBeGreaterThan(3);

    const info = ok(await run('info', photoId, '--provenance'));
    expect(info).toMatch(/device +“Second phone” \(Phone 9\), serial SN-2/);
    expect(info).toMatch(/received by +“Buyer’s phone”: \S+ \(changes\) \[\d+\]/);
    expect(info).toMatch(flagged);
    expect(info).toMatch(/shared in +no$/m);
  });

  it('cites and checks the grant a photo shared in through an album rests on', async () => {
    await createAccount(server.url, 'friend@example.com', buyer.client);
    const friend = await signIn(server.url, 'friend@example.com', deviceDescription('Friend’s phone'));
    const shared = (await friend.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id;
    const album = (await friend.client.post<{ id: string }>('/api/albums', { name: 'Holiday' })).body.id;
    await friend.client.post(`/api/albums/${album}/photos`, { photoIds: [shared] });
    const granted = await friend.client.post(`/api/albums/${album}/members`, {
      email: 'owner@example.com',
      role: 'view',
    });
    expect(granted.status).toBe(201);
    await server.app.services.checkpointer.signNow();
    const info = ok(await run('info', shared, '--provenance'));
    expect(info).toMatch(
      new RegExp(`shared in +album ${album} of account ${friend.account.id} \\[(\\d+)\\]$`, 'm'),
    );
    const json = JSON.parse(ok(await run('info', shared, '--provenance', '--json'))) as {
      provenance: { sharedIn: { cite: { seq: number; kind: string } } };
      verified: { checked: number };
    };
    expect(json.provenance.sharedIn.cite.kind).toBe('album.share-granted');
    expect(info).toContain(`[${json.provenance.sharedIn.cite.seq}]`);
    expect(info).toMatch(new RegExp(`${json.verified.checked} cited entries verified`));
    expect(json.verified.checked).toBe(1);
  });

  it('says a device’s own uploads were uploaded by it, not delivered to it', async () => {
    const text = ok(await run('explain', '--device', secondId));
    expect(text).toMatch(
      /^Device “Second phone” \(Phone 9\), serial SN-2: 1 photo\(s\) uploaded by this device$/m,
    );
    expect(text).not.toMatch(/delivered/);
    const buyers = ok(await run('explain'));
    expect(buyers).toMatch(/^Device “Buyer’s phone”.*: 1 photo\(s\) delivered to it$/m);
  });

  it('alarms when the server cites another photo’s upload entry for a photo', async () => {
    const own = (await buyer.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id;
    const db = server.database.db;
    const rows = await db.selectFrom('evidence_uploads').selectAll().execute();
    const theirs = rows.find((r) => r.photo_id === photoId);
    const mine = rows.find((r) => r.photo_id === own);
    if (!theirs || !mine) throw new Error('no index rows');
    // The index now vouches for the second phone's photo with the buyer's upload entry (whose row goes).
    await db.deleteFrom('evidence_uploads').where('photo_id', '=', own).execute();
    await db.updateTable('evidence_uploads').set({ seq: mine.seq }).where('photo_id', '=', photoId).execute();
    try {
      const result = await run('explain');
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(
          `^shoebox: AUDIT ALARM: 1 cited audit entries do not check out: \\d+: records photoId ${own}, cited for ${photoId}`,
        ),
      );
    } finally {
      await db
        .updateTable('evidence_uploads')
        .set({ seq: theirs.seq })
        .where('photo_id', '=', photoId)
        .execute();
      await db.insertInto('evidence_uploads').values(mine).execute();
    }
    expect((await run('explain')).code).toBe(0);
  });

  it('prints nothing but an alarm when a cited entry was rewritten in the database', async () => {
    const db = server.database.db;
    const upload = await db
      .selectFrom('audit_events')
      .select(['seq', 'kind', 'body', 'created_at'])
      .where('kind', '=', kindCode('photo.uploaded'))
      .executeTakeFirstOrThrow();
    // Another address, well-formed: the row still opens, but no longer to the text its leaf commits to.
    const event = openRow(upload, await loadTerms(db, [upload]));
    if (event?.body['ip'] !== SHENZHEN)
      throw new Error(`entry ${upload.seq} was not logged from ${SHENZHEN}`);
    await db
      .updateTable('audit_events')
      .set({ body: encodeBody({ ...event.body, ip: '198.51.100.7' }) })
      .where('seq', '=', upload.seq)
      .execute();
    const result = await run('explain');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^shoebox: AUDIT ALARM: 1 cited audit entries do not check out: \d+: does not open/,
    );
  });

  it('prints a one-line alarm, not a server error, when a cited entry’s leaf was deleted', async () => {
    const db = server.database.db;
    const upload = await db
      .selectFrom('audit_events')
      .select('seq')
      .where('kind', '=', kindCode('photo.uploaded'))
      .executeTakeFirstOrThrow();
    await db.deleteFrom('audit_leaves').where('seq', '=', upload.seq).execute();
    const result = await run('explain');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^shoebox: AUDIT ALARM: the server says its audit log is damaged \(audit (leaf|log node) .*is missing\)\.[^\n]*\n$/,
    );
  });
});
