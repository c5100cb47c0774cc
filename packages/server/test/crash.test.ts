import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.ts';
import { corpusFile } from './support/corpus.ts';
import { TestClient, createAccount, signIn } from './support/api.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const ROUNDS = 3;
const UPLOADS_PER_ROUND = 16;
const PARALLEL = 6;

/** A distinct, valid JPEG: a real photo with random bytes after its end-of-image marker. */
function variant(base: Buffer): Buffer {
  return Buffer.concat([base, randomBytes(64 + Math.floor(Math.random() * 4096))]);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('crash safety (SIGKILL during parallel uploads)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged upload intact and leaves nothing half-written', async () => {
    const base = fs.readFileSync(corpusFile('phones/apple-iphone11-IMG_5813.JPG'));
    server = await startServerProcess(['--data', dataDir]);
    await createAccount(server.url, 'crash@example.com');
    const { response } = await signIn(server.url, 'crash@example.com');
    const acknowledged = new Map<string, string>(); // photo id -> sha256

    for (let round = 0; round < ROUNDS; round++) {
      const client = new TestClient(server.url, response.token);
      const files = Array.from({ length: UPLOADS_PER_ROUND }, () => variant(base));
      let next = 0;
      let ackedThisRound = 0;
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++] as Buffer;
          try {
            const reply = await client.upload(file, { 'x-shoebox-sha256': sha(file) });
            if (reply.status === 201 || reply.status === 200) {
              acknowledged.set(reply.body.photo.id, sha(file));
              ackedThisRound++;
            }
          } catch {
            // the connection died with the server: not acknowledged, so it may or may not exist
          }
        }
      };
      const uploads = Promise.all(Array.from({ length: PARALLEL }, worker));
      // Kill at a random moment while uploads are in flight, once a couple have been acknowledged.
      while (ackedThisRound < 2 && next < files.length) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      await server.kill('SIGKILL');
      await uploads;
      server = await startServerProcess(['--data', dataDir]);
    }
    expect(acknowledged.size).toBeGreaterThan(0);

    // Every acknowledged upload is present with the right bytes.
    const client = new TestClient(server.url, response.token);
    for (const [id, expected] of acknowledged) {
      const original = await client.get(`/api/photos/${id}/original`);
      expect(original.status).toBe(200);
      expect(sha(original.body as Buffer)).toBe(expected);
    }

    // Nothing half-written is visible: every photo row's blob exists and hashes to its sha256; no orphans.
    const db = await openDatabase({ url: `sqlite:${path.join(dataDir, 'shoebox.db')}`, migrate: false });
    try {
      const photos = await db.db.selectFrom('photos').select(['id', 'sha256']).execute();
      const blobs = new Set(
        (await db.db.selectFrom('blobs').select('sha256').execute()).map((b) => b.sha256),
      );
      for (const p of photos) {
        const file = path.join(dataDir, 'blobs', 'originals', p.sha256.slice(0, 2), p.sha256);
        expect(sha(fs.readFileSync(file))).toBe(p.sha256);
        expect(blobs.has(p.sha256)).toBe(true);
      }
      const onDisk = fs
        .readdirSync(path.join(dataDir, 'blobs', 'originals'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name);
      for (const name of onDisk) expect(blobs.has(name)).toBe(true);
      expect(await db.db.selectFrom('blob_intents').selectAll().execute()).toEqual([]);
      const staging = fs.readdirSync(path.join(dataDir, 'tmp'), { recursive: true, withFileTypes: true });
      expect(staging.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 180_000);
});
