// What the deletion tests count: every row that names an account, table by table.
import type { Queryable } from '../adapters/db/database.ts';
import { ownerOf } from '../audit/audit.event-row.ts';
import { emailHash } from '../devices/sign-in-throttle.ts';

const BY_ACCOUNT = [
  'devices',
  'sessions',
  'photos',
  'albums',
  'album_members',
  'changes',
  'sync_deliveries',
  'enrolments',
  'sign_in_failures',
  'audit_keys',
  'audit_owners',
  'evidence_uploads',
  'audit_witnessed',
  'totp_factors',
  'recovery_codes',
  'not_me_tokens',
  'passkeys',
  'webauthn_challenges',
] as const;

const count = (rows: { n: number | string | bigint }) => Number(rows.n);

/** Rows per table that belong to the account (by id, by its devices, by its e-mail's hash, or naming it). */
export async function accountRowCounts(
  db: Queryable,
  accountId: string,
  email: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of BY_ACCOUNT) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    counts[table] = count(row);
  }
  // The log names its owner by number (audit_owners.no).
  counts['audit_events'] = count(
    await db
      .selectFrom('audit_all_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner', '=', ownerOf(accountId))
      .executeTakeFirstOrThrow(),
  );
  const devices = (
    await db.selectFrom('devices').select('id').where('account_id', '=', accountId).execute()
  ).map((d) => d.id);
  const seeded = await db
    .selectFrom('device_sync')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', 'in', [...devices, 'no-device'])
    .executeTakeFirstOrThrow();
  counts['device_sync'] = count(seeded);
  const hash = emailHash(email);
  for (const table of ['sign_in_successes'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email_hash', '=', hash)
      .executeTakeFirstOrThrow();
    counts[table] = count(row);
  }
  const settings = await db
    .selectFrom('settings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', 'like', `%${accountId}%`)
    .executeTakeFirstOrThrow();
  counts['settings'] = count(settings);
  counts['accounts'] = count(
    await db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow(),
  );
  return counts;
}

/** Sync records of the account's first device, as an acknowledged snapshot would leave them. */
export async function seedSyncRows(db: Queryable, accountId: string): Promise<void> {
  const device = await db
    .selectFrom('devices')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  const now = Date.now();
  await db
    .insertInto('device_sync')
    .values({ device_id: device.id, acked_change_id: 1, acked_at: now })
    .onConflict((oc) => oc.column('device_id').doNothing())
    .execute();
  await db
    .insertInto('sync_deliveries')
    .values({
      device_id: device.id,
      account_id: accountId,
      from_change: 0,
      to_change: 1,
      kind: 'snapshot',
      item_count: 1,
      acked_at: now,
      served_head: 1,
    })
    .execute();
}
