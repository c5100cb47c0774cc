// The durable half of an account deletion: photos go in batches through the library's one permanent-delete path
// (so every other account's feed gets its tombstones and blobs go when no other photo has the same content), then
// albums and memberships, then one transaction erases the rest, forgets the account's audit key and deletes the
// account. Each run does a bounded amount and queues the next, so other jobs interleave and a restart resumes.
import type { Db, Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { Mailer } from '../adapters/mail/mailer.ts';
import { emailHash } from '../devices/sign-in-throttle.ts';
import type { JobOutcome } from '../jobs/job-runner.ts';
import type { JobsStore } from '../jobs/jobs.store.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';
import { deletedMail } from './account-deletion.mail.ts';
import { ACCOUNT_DELETION_JOB, DELETION_ATTEMPTS } from './account-deletion.service.ts';
import type { AccountDeletionStore } from './account-deletion.store.ts';
import type { AccountsStore } from './accounts.store.ts';

/** Photos deleted per run: about a minute of work on a loaded machine, far below the job lease. */
export const PHOTOS_PER_RUN = 500;

export interface AccountDeletionJobDeps {
  db: Db;
  features: Pick<DbFeatures, 'serializeChangeFeed' | 'auditKeyLock'>;
  accounts: Pick<AccountsStore, 'findById'>;
  store: AccountDeletionStore;
  jobs: Pick<JobsStore, 'enqueue'>;
  photos: { purgeAccount(accountId: string, max: number): Promise<number> };
  albums: { deleteOwnedBy(accountId: string): Promise<number> };
  sharing: { leaveAll(accountId: string): Promise<number> };
  /** The audit log's crypto-shredding: the key goes, the events are blanked, the leaves stay. */
  forgetAccount(db: Queryable, accountId: string): Promise<void>;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  log: Logger;
  photosPerRun?: number;
}

export function createAccountDeletionJob(deps: AccountDeletionJobDeps) {
  const { db, features, accounts, store, jobs, events, clock } = deps;
  const perRun = deps.photosPerRun ?? PHOTOS_PER_RUN;

  /** The next run, queued in the transaction that completes this one. */
  const again = (accountId: string): JobOutcome => ({
    write: (trx) =>
      jobs.enqueue(
        trx,
        { kind: ACCOUNT_DELETION_JOB, payload: { accountId }, maxAttempts: DELETION_ATTEMPTS },
        clock.now(),
      ),
    committed: () => events.emit('jobs.enqueued', { kind: ACCOUNT_DELETION_JOB }),
  });

  return async (payload: unknown): Promise<JobOutcome | void> => {
    const { accountId } = payload as { accountId: string };
    const pending = await store.pending(db, accountId);
    if (!pending) return; // finished by an earlier run (or never asked for)
    if ((await deps.photos.purgeAccount(accountId, perRun)) >= perRun) return again(accountId);
    await deps.albums.deleteOwnedBy(accountId);
    await deps.sharing.leaveAll(accountId);
    const done = await db.transaction().execute(async (trx) => {
      // The feed's lock first, as every library change takes it: an upload that authenticated before the sessions
      // ended waits for this commit and then fails on the missing account, instead of slipping in after the count.
      await features.serializeChangeFeed(trx);
      // Then the account's audit key row: appenders share-lock it from their claim to their commit, so the forget
      // below waits for every in-flight record of this account, and later ones wait for this commit.
      await features.auditKeyLock(trx, accountId);
      if ((await store.photoCount(trx, accountId)) > 0) return null;
      const row = await accounts.findById(trx, accountId);
      await store.erase(trx, accountId, row ? emailHash(row.email) : null);
      await deps.forgetAccount(trx, accountId);
      await store.deleteAccount(trx, accountId);
      return { email: row?.email ?? null, at: clock.now() };
    });
    if (!done) return again(accountId);
    deps.log.info({ accountId }, 'account deleted');
    const email = done.email;
    if (!deps.mailer.enabled || email === null) return;
    return {
      committed: () => {
        deps.mailer
          .send(deletedMail(email, pending, done.at))
          .catch((err: unknown) => deps.log.warn({ err, accountId }, 'account deletion notice not sent'));
      },
    };
  };
}
