// A security e-mail carries the audit entry of the event it reports and the latest signed checkpoint, read
// here from a real loopback SMTP server: the owner's mailbox alone proves the entry was in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, leafHash, openCheckpoint, verifyInclusion } from '@shoebox/shared/merkle/index';
import { DIALECTS } from '../../test/support/databases.ts';
import { startSmtp } from '../../test/support/smtp.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { mailEvidence, mailText } from './audit.mail.test-support.ts';
import {
  adminSession,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';

describe.each(DIALECTS)('checkpoints in notice e-mails (%s)', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, {
      config: { smtpUrl: smtp.url, publicUrl: 'https://photos.example.com' },
    });
    owner = await adminSession(server.url, 'owner@example.com');
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('gives the entry of the reported event and a signed checkpoint that includes it', async () => {
    const stranger = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('Redmi K40'),
      '210.39.1.1',
    );
    const mail = await eventually(
      async () => Promise.resolve(smtp.inbox.find((m) => m.text.includes('new device wants to join'))),
      10_000,
      'the e-mail',
    );
    const evidence = mailEvidence(mailText(mail.raw));
    expect(evidence).not.toBeNull();
    const { seq, kind, note } = evidence ?? { seq: null, kind: null, note: '' };
    expect(kind).toBe('enrolment.requested');
    expect(evidence?.covered).toBe(true);

    // It is the owner's own entry about that very request…
    const events = await owner.client.get<{
      items: { seq: number; kind: string; body: { deviceId?: string } }[];
    }>('/api/audit/events?limit=1000');
    const entry = events.body.items.find((e) => e.seq === seq);
    expect(entry?.kind).toBe('enrolment.requested');
    expect(entry?.body.deviceId).toBe(stranger.deviceId);

    // …signed by the log's key, and the checkpoint in the mailbox includes it.
    const { verifierKey } = (await owner.client.get<{ verifierKey: string }>('/api/audit/checkpoint')).body;
    const opened = openCheckpoint(note, verifierKey);
    if (!opened.ok) throw new Error(`the mailed checkpoint does not verify: ${opened.reason}`);
    const { size, rootHash } = opened.checkpoint;
    expect(size).toBeGreaterThan(seq ?? Infinity);
    const proof = await owner.client.get<{ leaf: string; proof: string[] }>(
      `/api/audit/proofs/inclusion?seq=${seq}&size=${size}`,
    );
    const included = verifyInclusion(
      leafHash(fromBase64(proof.body.leaf)),
      seq ?? -1,
      size,
      proof.body.proof.map(fromBase64),
      rootHash,
    );
    expect(included.ok).toBe(true);
  });
});
