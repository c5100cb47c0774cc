// The narrow upload index explain reads (evidence_uploads): written with each upload's entry, rebuilt from the
// log by migration 0015 for uploads made before it, and unable to lend one logged upload to a second photo.
import type { ExplainReport } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, approvedDevice, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';
import { rebuildUploadIndex } from './evidence.rebuild.ts';

describe.each(DIALECTS)('upload index for explain (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let photos: string[];
  const library = async () =>
    (await owner.client.get<ExplainReport>('/api/explain?scope=library&limit=100')).body;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url);
    const laptop = await approvedDevice(server.url, owner.client, owner.account.email, 'laptop');
    photos = [
      (await owner.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id,
      (await laptop.client.uploadOk(corpusFile('phones/htc-desire.jpg'))).id,
    ];
  });
  afterAll(() => server.close());

  it('holds one row per upload, with its entry, written in the upload’s transaction', async () => {
    const db = server.database.db;
    const rows = await db.selectFrom('evidence_uploads').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.photo_id)).toEqual(photos);
    const logged = await db
      .selectFrom('audit_all_events')
      .select(['seq', 'created_at'])
      .where('kind', '=', kindCode('photo.uploaded'))
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => [Number(r.seq), Number(r.at)])).toEqual(
      logged.map((e) => [Number(e.seq), Number(e.created_at)]),
    );
    const added = await db
      .selectFrom('changes')
      .select(['entity_id', 'id'])
      .where('kind', '=', 'photo.added')
      .execute();
    for (const r of rows)
      expect(Number(r.added_change)).toBe(Number(added.find((c) => c.entity_id === r.photo_id)?.id));
  });

  it('is rebuilt from the log for uploads made before it existed, giving the same report', async () => {
    const db = server.database.db;
    // The report's log size is the signed tree's: let the signer take the last upload's entry in first.
    await server.app.services.checkpointer.signNow();
    const before = await library();
    expect(before.groups.map((g) => g.origin)).toEqual(['this-device', 'other-device']);
    // The full logged place is back on the listed photos, not only its label.
    expect(before.groups[1]?.photos[0]?.place ?? null).toEqual(
      JSON.parse(
        (
          await db
            .selectFrom('evidence_uploads')
            .select('place')
            .where('photo_id', '=', photos[1] ?? '')
            .executeTakeFirstOrThrow()
        ).place ?? 'null',
      ),
    );
    await db.deleteFrom('evidence_uploads').execute();
    const missing = await library();
    expect(missing.groups.map((g) => [g.origin, g.count])).toEqual([['anomaly', 2]]);
    expect(missing.groups[0]?.photos.map((p) => p.reasonCodes)).toEqual([
      ['no-upload-entry'],
      ['no-upload-entry'],
    ]);
    await rebuildUploadIndex(db);
    expect(await library()).toEqual(before);
  });

  it('cannot lend one logged upload to a planted photo: an entry vouches for one photo only', async () => {
    const db = server.database.db;
    const real = await db.selectFrom('evidence_uploads').selectAll().executeTakeFirstOrThrow();
    const plant = db
      .insertInto('evidence_uploads')
      .values({ ...real, photo_id: 'planted-photo' })
      .execute();
    await expect(plant).rejects.toThrow(/unique|UNIQUE/);
  });
});
