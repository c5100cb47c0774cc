// A device's witness that catches a fork reports it to the server through the real bin: the alarm is an entry in
// the account's activity with both signed notes (checkable by anyone with the log key), reaches the other trusted
// device live and the owner's mailbox with a checkpoint, and still exits 3 locally.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint, signCheckpoint, toBase64 } from '@shoebox/shared/merkle/index';
import { loadOrCreateSigner } from '../../server/src/audit/audit.keyfile.ts';
import { mailEvidence, mailText } from '../../server/src/audit/audit.mail.test-support.ts';
import { DIALECTS } from '../../server/test/support/databases.ts';
import { connectLive, type LiveSocket } from '../../server/test/support/live-socket.ts';
import { startSmtp } from '../../server/test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from '../../server/test/support/api.ts';
import { loadWitness, witnessFile } from '../src/audit-witness.ts';
import { cleanUp, oneFailureLine, ok, shoebox, tempDir } from './support/cli.ts';

interface Activity {
  items: { id: string; kind: string; device: { id: string } | null; detail: Record<string, unknown> }[];
}

afterAll(() => cleanUp());

describe.each(DIALECTS)('audit alarms reported to the server (%s)', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let phone: SignedIn;
  let laptop: SignedIn;
  let live: LiveSocket;
  let home: string;
  const run = (...args: string[]) => shoebox([...args, '--home', home, '--server', server.url]);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    phone = await adminSession(server.url, 'owner@example.com');
    laptop = await signIn(server.url, 'owner@example.com', deviceDescription('Laptop'));
    const requests = await phone.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const id = requests.body.items.find((r) => r.device.id === laptop.deviceId)?.id;
    const { code } = (await phone.client.post<{ code: string }>(`/api/enrolments/${id}/allow`)).body;
    await laptop.client.post('/api/auth/enrolment/complete', { code });
    live = await connectLive(server.url, laptop.response.token);
    home = tempDir('alarm');
    fs.writeFileSync(
      path.join(home, 'device.json'),
      JSON.stringify({
        installationId: randomUUID(),
        server: server.url,
        token: phone.response.token,
        deviceId: phone.deviceId,
        accountId: phone.account.id,
      }),
    );
    await server.app.services.checkpointer.signNow();
  });
  afterAll(async () => {
    live.socket.close();
    await server.close();
    await smtp.close();
  });

  it('records a fork with both signed notes, tells the other device and the mailbox, and exits 3', async () => {
    ok(await run('audit', 'check'));
    const state = loadWitness(home);
    if (!state) throw new Error('no witness state');
    // Someone holding the log key signed a second, different tree of the size this device verified.
    const signer = loadOrCreateSigner(path.join(server.dataDir, 'keys', 'log.key'));
    const size = state.latest.size;
    const forkRoot = Buffer.alloc(32, 9);
    const forged = signCheckpoint(signer.key, { origin: signer.origin, size, rootHash: forkRoot });
    const seenAt = new Date().toISOString();
    const other = { size, root: toBase64(forkRoot), note: forged, seenAt };
    fs.writeFileSync(witnessFile(home), JSON.stringify({ ...state, latest: other, seen: [other] }));

    const result = await run('audit', 'check');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    const line = oneFailureLine(result);
    const seq = Number(
      /^AUDIT ALARM: the server showed two different logs of \d+ entries .*Reported to the server \(audit entry (\d+)\)\.$/.exec(
        line,
      )?.[1],
    );
    expect(Number.isInteger(seq)).toBe(true);

    // The other trusted device sees it in the activity, with both notes: two valid signatures, one size, two roots.
    const activity = await laptop.client.get<Activity>('/api/activity');
    const entry = activity.body.items.find((i) => i.kind === 'audit.alarm');
    expect(entry?.id).toBe(String(seq));
    expect(entry?.device?.id).toBe(phone.deviceId);
    expect(entry?.detail).toMatchObject({ problem: 'two-roots', earlierSigned: true, laterSigned: true });
    const earlier = openCheckpoint(String(entry?.detail['earlier']), signer.vkey);
    const later = openCheckpoint(String(entry?.detail['later']), signer.vkey);
    if (!earlier.ok || !later.ok) throw new Error('a reported note does not verify');
    expect(earlier.checkpoint.size).toBe(later.checkpoint.size);
    expect(toBase64(earlier.checkpoint.rootHash)).not.toBe(toBase64(later.checkpoint.rootHash));

    // …live…
    await eventually(
      async () =>
        Promise.resolve(live.messages.find((m) => m.type === 'device' && m.event === 'audit.alarm')),
      15_000,
      'the live alarm',
    );
    // …and the owner's mailbox, with the entry and a signed checkpoint that covers it.
    const mail = await eventually(
      async () => Promise.resolve(smtp.inbox.find((m) => m.text.includes('(audit.alarm)'))),
      // The notifier waits (up to 10 s) for a checkpoint that covers the entry before it sends.
      30_000,
      'the alarm e-mail',
    );
    const text = mailText(mail.raw);
    expect(text).toMatch(/showed two different histories of the same length/);
    const evidence = mailEvidence(text);
    expect(evidence?.seq).toBe(seq);
    const mailed = openCheckpoint(evidence?.note ?? '', signer.vkey);
    if (!mailed.ok) throw new Error(`the mailed checkpoint does not verify: ${mailed.reason}`);
    if (evidence?.covered) {
      expect(mailed.checkpoint.size).toBeGreaterThan(seq);
    } else {
      // The notifier waits 10 s for a covering checkpoint, then sends what it has and says so (CI on two loaded
      // cores once took longer): the mail still carries a valid earlier checkpoint, and the entry is signed soon after.
      expect(text).toContain('not yet in a signed checkpoint');
      expect(mailed.checkpoint.size).toBeLessThanOrEqual(seq);
      await eventually(
        async () => {
          const cp = await laptop.client.get<{ size: number }>('/api/audit/checkpoint');
          return cp.body.size > seq ? cp.body : undefined;
        },
        30_000,
        'a checkpoint covering the alarm',
      ).catch(async (err: unknown) => {
        // Say why the signer stood still (it did once on CI), not only that it did.
        const latest = await server.app.services.checkpointer.latest();
        const problem = server.app.services.checkpointer.problem ?? 'none';
        throw new Error(`${String(err)}; latest signed size ${latest?.size}, signer problem: ${problem}`);
      });
    }

    // A witness that stops every round reports the same pair once.
    const again = await run('audit', 'check');
    expect(again.code).toBe(3);
    expect(oneFailureLine(again)).toContain(`(audit entry ${seq})`);
    const after = await laptop.client.get<Activity>('/api/activity');
    expect(after.body.items.filter((i) => i.kind === 'audit.alarm')).toHaveLength(1);
  }, 90_000);

  it('takes no report from outside the account’s trusted devices', async () => {
    const pending = await signIn(server.url, 'owner@example.com', deviceDescription('Stranger'));
    const report = { problem: 'rolled-back', detail: 'x', earlier: null, later: 'y' };
    expect((await pending.client.post('/api/audit/alarms', report)).status).toBe(403);
    const bad = await phone.client.post('/api/audit/alarms', { ...report, problem: 'nonsense' });
    expect(bad.status).toBe(400);
  });
});
