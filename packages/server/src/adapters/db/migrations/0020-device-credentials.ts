import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * `devices.credential_hash`: SHA-256 (hex) of the secret a trusted device proves when it signs in again
 * (devices/device-credential.ts). Null: the device holds none (never trusted, removed, denied, or trusted before
 * this migration and not yet given one).
 */
export function deviceCredentialsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('devices').addColumn('credential_hash', 'text').execute();
      // From now on a pending device with `trusted_at` is a trusted one on hold (devices/device-credential.ts);
      // devices pending before this migration were never that, whatever trust they had before.
      await (db as Kysely<{ devices: { status: string; trusted_at: number | null } }>)
        .updateTable('devices')
        .set({ trusted_at: null })
        .where('status', '=', 'pending')
        .execute();
    },
  };
}
