// The deletion job driven by hand on both databases (the runner is off: mediaWorkers 0): a library larger than one
// run goes in bounded runs, each queueing the next, and the last run leaves no row; two admins deleting each other
// at once never leave the server without an admin.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../adapters/db/schema.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  distinctCopy,
  PASSWORD,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { createAuditLog } from '../audit/audit.log.ts';
import { createLogger } from '../platform/logger.ts';
import { createAccountDeletionJob } from './account-deletion.job.ts';
import { ACCOUNT_DELETION_JOB } from './account-deletion.service.ts';
import { createAccountDeletionStore } from './account-deletion.store.ts';
import { accountRowCounts } from './account-deletion.test-support.ts';
import { createAccountsStore } from './accounts.store.ts';

const JPEG = corpusFile('cameras/gopro-hero6-8x8.jpg');

describe.each(DIALECTS)('account deletion job (%s)', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let db: Kysely<Database>;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    admin = await adminSession(server.url);
    db = server.database.db;
  });
  afterAll(() => server.close());

  function job(photosPerRun: number) {
    const s = server.app.services;
    const clock = { now: () => Date.now() };
    return createAccountDeletionJob({
      db,
      features: server.database.features,
      accounts: createAccountsStore(),
      store: createAccountDeletionStore(),
      jobs: s.jobsStore,
      photos: s.photos,
      albums: s.albums,
      sharing: s.albumSharing,
      forgetAccount: (q, id) =>
        createAuditLog({ features: server.database.features, clock }).forgetAccount(q, id),
      mailer: s.mailer,
      events: server.app.events,
      clock,
      log: createLogger('silent'),
      photosPerRun,
    });
  }

  const queued = async (accountId: string) =>
    (
      await db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', ACCOUNT_DELETION_JOB)
        .where('state', '=', 'queued')
        .execute()
    ).filter((j) => j.payload.includes(accountId)).length;

  it('deletes a library larger than one run in bounded runs, each queueing the next, and leaves nothing', async () => {
    const dave = await userSession(server.url, admin.client, 'dave@example.com');
    for (let i = 0; i < 5; i++) await dave.client.uploadOk(distinctCopy(JPEG, `dave-${i}`));
    await dave.client.post('/api/albums', { name: 'Dave’s' });
    const reply = await dave.client.call('DELETE', '/api/account', { password: PASSWORD });
    expect(reply.status).toBe(202);
    expect(await queued(dave.account.id)).toBe(1);

    const run = job(2);
    const left: number[] = [];
    for (let runs = 0; runs < 10; runs++) {
      const outcome = await run({ accountId: dave.account.id });
      const photos = await createAccountDeletionStore().photoCount(db, dave.account.id);
      left.push(photos);
      if (!outcome?.write) break;
      await db.transaction().execute(outcome.write);
    }
    expect(left).toEqual([3, 1, 0]);
    expect(await queued(dave.account.id)).toBe(3); // the request's job and the two runs that asked for another
    const after = await accountRowCounts(db, dave.account.id, 'dave@example.com');
    // Left: the log's blanked tombstones and the number they name their owner by.
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([
      ['audit_owners', 1],
      ['audit_events', after['audit_events']],
    ]);
    // A queued run that finds the work done does nothing.
    expect(await run({ accountId: dave.account.id })).toBeUndefined();
    await expect(signIn(server.url, 'dave@example.com')).rejects.toThrow(/401/);
  });

  it('never lets two admins delete each other at once', async () => {
    const created = await admin.client.post('/api/accounts', {
      email: 'admin2@example.com',
      password: PASSWORD,
      role: 'admin',
    });
    expect(created.status).toBe(201);
    const second = await signIn(server.url, 'admin2@example.com');
    const [one, two] = await Promise.all([
      admin.client.call('DELETE', `/api/admin/accounts/${second.account.id}`, { reason: 'race' }),
      second.client.call('DELETE', `/api/admin/accounts/${admin.account.id}`, { reason: 'race' }),
    ]);
    // The loser is refused as the last admin, or its session already ended with the winner's commit.
    expect([one.status, two.status].filter((s) => s === 202)).toHaveLength(1);
    const enabledAdmins = await db
      .selectFrom('accounts')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .execute();
    expect(enabledAdmins).toHaveLength(1);
  });
});
