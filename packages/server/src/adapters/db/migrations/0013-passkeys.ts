import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/** Passkeys (WebAuthn credentials) and the single-use challenges of their ceremonies. */
export function passkeysMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('passkeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        // base64url credential id as the authenticator gave it; unique across accounts (sign-in looks it up).
        .addColumn('credential_id', 'text', (c) => c.notNull().unique())
        // base64url COSE public key.
        .addColumn('public_key', 'text', (c) => c.notNull())
        // The authenticator's signature counter: an assertion whose counter does not grow is refused.
        .addColumn('counter', t.bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('aaguid', 'text')
        // Flags as 0/1 so both databases store them alike.
        .addColumn('user_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('backup_eligible', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('created_by_device_id', 'text')
        .addColumn('last_used_at', t.time)
        .execute();
      await db.schema.createIndex('passkeys_account').on('passkeys').column('account_id').execute();
      await db.schema
        .createTable('webauthn_challenges')
        // base64url challenge: the value the authenticator signs, looked up from the response's client data.
        .addColumn('challenge', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('device_id', 'text')
        // The client address that asked: unauthenticated sign-in challenges are capped per address.
        .addColumn('ip', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webauthn_challenges_expiry')
        .on('webauthn_challenges')
        .column('expires_at')
        .execute();
      await db.schema
        .createIndex('webauthn_challenges_ip')
        .on('webauthn_challenges')
        .columns(['ip', 'expires_at'])
        .execute();
    },
  };
}
