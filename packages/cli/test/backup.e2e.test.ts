import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServerProcess } from '../../server/test/support/server-process.ts';
import { TestClient, adminSession, allPhotos, distinctCopy } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { TEST_POSTGRES_URL } from '../../server/test/support/databases.ts';
import { startTestS3, type TestS3 } from '../../server/test/support/s3.ts';
import { cleanUp, cliEnv, failed, okJson, shoebox, tempDir } from './support/cli.ts';

// The operator commands through the real `shoebox` bin: backup of a running server, restore into a fresh data
// folder, and migrate of the (stopped) SQLite installation to PostgreSQL and S3.

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function originals(client: TestClient): Promise<string[]> {
  const out: string[] = [];
  for (const photo of await allPhotos(client)) {
    const reply = await client.get<Buffer>(`/api/photos/${photo.id}/original`);
    expect(sha(reply.body)).toBe(photo.sha256);
    out.push(photo.sha256);
  }
  return out.sort();
}

describe('shoebox backup, restore and migrate', { timeout: 180_000 }, () => {
  let s3: TestS3 | undefined;
  const database = `shoebox_migrate_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  afterAll(async () => {
    await s3?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await admin.end();
    cleanUp();
  });

  it('refuses a mistyped installation or backup folder, creating nothing there', async () => {
    const nowhere = path.join(tempDir('typo'), 'missing');
    const runs = await Promise.all([
      shoebox(['backup', tempDir('dest'), '--data', nowhere], { env: cliEnv() }),
      shoebox(['migrate', '--to', TEST_POSTGRES_URL, '--data', nowhere], { env: cliEnv() }),
    ]);
    for (const run of runs)
      expect(failed(run, 1)).toBe(
        `No Shoebox installation here: ${path.join(nowhere, 'shoebox.db')} does not exist (set --data or --database).`,
      );
    const restoreTo = path.join(tempDir('restore-to'), 'data');
    const restore = await shoebox(['restore-backup', nowhere, '--data', restoreTo], { env: cliEnv() });
    expect(failed(restore, 1)).toBe(`${nowhere} holds no Shoebox backup (no manifest.json).`);
    expect(fs.existsSync(nowhere)).toBe(false);
    expect(fs.existsSync(restoreTo)).toBe(false);
  });

  it('backs up a running server, restores it elsewhere and moves it to PostgreSQL + S3', async () => {
    const data = tempDir('source');
    const source = await startServerProcess(['--data', data]);
    const owner = await adminSession(source.url);
    await owner.client.uploadOk(fs.readFileSync(corpusFile('cameras/canon-eos7d.jpg')));
    await owner.client.uploadOk(distinctCopy(corpusFile('cameras/casio-ex-z3.jpg'), 'cli'));
    const expected = await originals(owner.client);

    const dest = tempDir('backup');
    const first = okJson<{ blobs: number; blobsCopied: number }>(
      await shoebox(['backup', dest, '--data', data, '--json'], { env: cliEnv() }),
    );
    expect(first.blobsCopied).toBeGreaterThanOrEqual(2);
    const again = okJson<{ blobsCopied: number }>(
      await shoebox(['backup', dest, '--data', data, '--json'], { env: cliEnv() }),
    );
    expect(again.blobsCopied).toBeLessThanOrEqual(first.blobs);
    await source.kill();

    const restoredData = tempDir('restored');
    okJson(await shoebox(['restore-backup', dest, '--data', restoredData, '--json'], { env: cliEnv() }));
    const restored = await startServerProcess(['--data', restoredData]);
    try {
      expect(await originals(new TestClient(restored.url, owner.client.token))).toEqual(expected);
    } finally {
      await restored.kill();
    }

    s3 = await startTestS3();
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${database}`);
    const moved = okJson<{ rows: Record<string, number>; blobsCopied: number }>(
      await shoebox(['migrate', '--data', data, '--to', url, '--blobs', s3.spec('cli'), '--json'], {
        env: cliEnv(),
      }),
    );
    expect(moved.rows['photos']).toBe(2);
    const served = await startServerProcess(['--data', data, '--database', url, '--blobs', s3.spec('cli')]);
    try {
      expect(await originals(new TestClient(served.url, owner.client.token))).toEqual(expected);
    } finally {
      await served.kill();
    }
  });
});
