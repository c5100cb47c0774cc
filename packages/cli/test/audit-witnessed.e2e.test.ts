// Checkpoints travel in exports from every trusted device of the account, not only the exporting one (issue 5
// req. 4–5): each device's witness reports what it verified, the export carries them, `shoebox audit verify`
// checks each offline (signature with the log's key, root recomputed from the leaves), and one the log did not
// sign, or whose root the exported leaves do not give, fails the file.
import fs from 'node:fs';
import path from 'node:path';
import { generateSignerKey, signCheckpoint } from '@shoebox/shared/merkle/index';
import { fromBase64 } from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test/support/databases.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { adminSession, approvedDevice, distinctCopy, type SignedIn } from '../../server/test/support/api.ts';
import { corpusFile } from '../../server/test/support/corpus.ts';
import { ApiClient } from '../src/api-client.ts';
import { buildExport, verifyExport, type AuditExport } from '../src/audit-export.ts';
import { witnessCheckpoint } from '../src/audit-witness.ts';
import { cleanUp, shoebox, tempDir } from './support/cli.ts';

const EMAIL = 'admin@example.com';
const PHOTO = corpusFile('phones/apple-iphone4.jpg');

afterAll(cleanUp);

describe.each(DIALECTS)('checkpoints witnessed by all of the account’s devices (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let phone: SignedIn;
  let laptop: ApiClient;
  let phoneCli: ApiClient;
  let uploads = 0;

  /** Grows the log and signs a checkpoint of it at once. */
  async function grow() {
    await phone.client.uploadOk(distinctCopy(PHOTO, `witnessed-${dialect}-${uploads++}`));
    await server.app.services.checkpointer.signNow();
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url, EMAIL);
    phone = await approvedDevice(server.url, owner.client, EMAIL, 'phone');
    laptop = new ApiClient(server.url, owner.response.token);
    phoneCli = new ApiClient(server.url, phone.response.token);
  });
  afterAll(() => server.close());

  it('exports what every device verified, and the real CLI verifies each offline', async () => {
    const phoneHome = tempDir(`witnessed-phone-${dialect}`);
    await grow();
    const first = await witnessCheckpoint(phoneCli, phoneHome);
    await grow();
    const second = await witnessCheckpoint(phoneCli, phoneHome);
    expect(second.checkpoint.size).toBeGreaterThan(first.checkpoint.size);
    await grow();

    const doc = await buildExport(laptop, tempDir(`witnessed-laptop-${dialect}`));
    const reported = (doc.deviceCheckpoints ?? []).map((c) => [c.deviceId, c.size]);
    expect(reported).toEqual(
      expect.arrayContaining([
        [phone.deviceId, first.checkpoint.size],
        [phone.deviceId, second.checkpoint.size],
        [owner.deviceId, doc.checkpoint.size],
      ]),
    );
    // The laptop never kept the phone's checkpoints itself: they come from the phone's reports.
    expect(doc.checkpoints.map((c) => c.size)).not.toContain(first.checkpoint.size);
    expect(verifyExport(doc)).toMatchObject({ ok: true, problems: [] });
    const file = path.join(tempDir('witnessed-export'), 'audit.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const run = await shoebox(['audit', 'verify', file]);
    expect(run.stdout).toMatch(/events verified; checkpoints consistent/);
    expect(run.code).toBe(0);

    // A device's checkpoint the log did not sign fails the file, naming the device.
    const phoneCp = doc.deviceCheckpoints?.find((c) => c.deviceId === phone.deviceId);
    if (!phoneCp) throw new Error('the phone’s checkpoints are missing from the export');
    const other = generateSignerKey(doc.verifierKey.split('+')[0] ?? 'x');
    const unsigned: AuditExport = {
      ...doc,
      deviceCheckpoints: [
        {
          ...phoneCp,
          note: signCheckpoint(other.skey, {
            origin: doc.verifierKey.split('+')[0] ?? 'x',
            size: phoneCp.size,
            rootHash: fromBase64(phoneCp.root),
          }),
        },
      ],
    };
    fs.writeFileSync(file, JSON.stringify(unsigned));
    const bad = await shoebox(['audit', 'verify', file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      `witnessed checkpoint of size ${phoneCp.size} reported by device ${phone.deviceId} does not verify`,
    );

    // One whose root the exported leaves do not give (leaves rewritten below it) fails too.
    const leaves = [...doc.leaves];
    leaves[0] = Buffer.alloc(64, 7).toString('base64');
    const rewritten = verifyExport({ ...doc, leaves, checkpoints: [], deviceCheckpoints: [phoneCp] });
    expect(rewritten.ok).toBe(false);
    expect(rewritten.problems.join('\n')).toContain(
      `the leaves do not hash to the witnessed checkpoint of size ${phoneCp.size}`,
    );
  });

  it('takes a report only from a trusted device, once per size, and only a note the log signed', async () => {
    const { note, size } = (await phone.client.get<{ note: string; size: number }>('/api/audit/checkpoint'))
      .body;
    const again = await phone.client.post<{ size: number; seenAt: string }>('/api/audit/witnessed', { note });
    const twice = await phone.client.post<{ size: number; seenAt: string }>('/api/audit/witnessed', { note });
    expect(again.status).toBe(201);
    expect(twice.body).toEqual(again.body);
    const rows = await phone.client.get<{ items: { deviceId: string; size: number }[] }>(
      '/api/audit/witnessed',
    );
    expect(rows.body.items.filter((r) => r.deviceId === phone.deviceId && r.size === size)).toHaveLength(1);
    const other = generateSignerKey(note.split('\n')[0] ?? 'x');
    const lines = note.split('\n');
    const forged = signCheckpoint(other.skey, {
      origin: lines[0] ?? '',
      size: size + 1,
      rootHash: fromBase64(lines[2] ?? ''),
    });
    const refused = await phone.client.post('/api/audit/witnessed', { note: forged });
    expect(refused.status).toBe(400);
  });
});
