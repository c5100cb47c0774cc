import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './database.ts';
import { coreMigration } from './migrations/0001-core.ts';
import { syncMigration } from './migrations/0002-sync.ts';
import { trustMigration } from './migrations/0003-trust.ts';
import { throttleMigration } from './migrations/0005-throttle.ts';
import { auditMigration } from './migrations/0006-audit.ts';
import { factorsMigration } from './migrations/0007-factors.ts';
import { timelineIndexMigration } from './migrations/0008-timeline-index.ts';
import { albumMembersMigration } from './migrations/0009-album-members.ts';
import { fleetMigration } from './migrations/0010-fleet.ts';
import { evidenceMigration } from './migrations/0011-evidence.ts';
import { riskMigration } from './migrations/0012-risk.ts';
import { passkeysMigration } from './migrations/0013-passkeys.ts';
import { sessionLifetimesMigration } from './migrations/0014-session-lifetimes.ts';
import { evidenceUploadsMigration } from './migrations/0015-evidence-uploads.ts';
import { accountAdminMigration } from './migrations/0016-account-admin.ts';
import { deliveryHeadMigration } from './migrations/0017-delivery-head.ts';
import { auditAppendMigration } from './migrations/0018-audit-append.ts';
import { auditHaltMigration } from './migrations/0019-audit-halt.ts';
import { deviceCredentialsMigration } from './migrations/0020-device-credentials.ts';
import { auditAppendBatchMigration } from './migrations/0021-audit-append-batch.ts';
import { auditWitnessedMigration } from './migrations/0022-audit-witnessed.ts';
import { auditConcurrentAppendMigration } from './migrations/0023-audit-concurrent-append.ts';
import { auditCompactMigration } from './migrations/0024-audit-compact.ts';
import { auditTermsMigration } from './migrations/0025-audit-terms.ts';
import { auditClosedOwnersMigration } from './migrations/0026-audit-closed-owners.ts';
import { auditAppendOneMigration } from './migrations/0027-audit-append-one.ts';
import { auditAppendOneDigestMigration } from './migrations/0028-audit-append-one-digest.ts';
import { auditBlocksMigration } from './migrations/0029-audit-blocks.ts';

/** A migration receives the dialect so that the few type differences stay inside this adapter. */
export type DialectMigration = (dialect: DialectName) => Migration;

const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-core': coreMigration,
  '0002-sync': syncMigration,
  '0003-trust': trustMigration,
  '0005-throttle': throttleMigration,
  '0006-audit': auditMigration,
  '0007-factors': factorsMigration,
  '0008-timeline-index': timelineIndexMigration,
  '0009-album-members': albumMembersMigration,
  '0010-fleet': fleetMigration,
  '0011-evidence': evidenceMigration,
  '0012-risk': riskMigration,
  '0013-passkeys': passkeysMigration,
  '0014-session-lifetimes': sessionLifetimesMigration,
  '0015-evidence-uploads': evidenceUploadsMigration,
  '0016-account-admin': accountAdminMigration,
  '0017-delivery-head': deliveryHeadMigration,
  '0018-audit-append': auditAppendMigration,
  '0019-audit-halt': auditHaltMigration,
  '0020-device-credentials': deviceCredentialsMigration,
  '0021-audit-append-batch': auditAppendBatchMigration,
  '0022-audit-witnessed': auditWitnessedMigration,
  '0023-audit-concurrent-append': auditConcurrentAppendMigration,
  '0024-audit-compact': auditCompactMigration,
  '0025-audit-terms': auditTermsMigration,
  '0026-audit-closed-owners': auditClosedOwnersMigration,
  '0027-audit-append-one': auditAppendOneMigration,
  '0028-audit-append-one-digest': auditAppendOneDigestMigration,
  '0029-audit-blocks': auditBlocksMigration,
};

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(
      Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(this.dialect)])),
    );
  }
}

/**
 * Kysely's migrator finds its bookkeeping tables by listing the tables of every schema of the database, which
 * PostgreSQL fails ("schema … does not exist", "column … does not exist") when another schema is being dropped at
 * that moment: tests give each file a schema of one shared database and drop it when done. Migrating into a schema
 * holds this advisory lock shared, and dropping one takes it exclusively (test/support/databases.ts).
 */
export const SCHEMA_DROP_LOCK = [0x5e0b, 0xd709] as const;

export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: DialectName,
  schema?: string,
): Promise<void> {
  if (dialect !== 'postgres' || !schema) return migrateWith(db, dialect, schema);
  const [a, b] = SCHEMA_DROP_LOCK;
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock_shared(${a}, ${b})`.execute(conn);
    try {
      await migrateWith(conn, dialect, schema);
    } finally {
      // A broken connection drops the lock with it; the migration's own error is the one to report.
      await sql`select pg_advisory_unlock_shared(${a}, ${b})`.execute(conn).catch(() => undefined);
    }
  });
}

async function migrateWith(
  db: Kysely<unknown>,
  dialect: DialectName,
  schema: string | undefined,
): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema; name ours so a database shared by several
  // schemas (tests, hosted set-ups) keeps them apart.
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error);
    // Kysely names the failed migration only when one ran; an error before (reading its own tables) names none.
    throw new Error(
      failed
        ? `Database migration ${failed.migrationName} failed: ${cause}`
        : `Database migrations failed: ${cause}`,
    );
  }
}
