import { sql, type CompiledQuery, type DialectAdapter, type InferResult } from 'kysely';
import type { Queryable } from '../adapters/db/database.ts';
import type { AccountRow, DeviceRow, DeviceStatus, SessionRow } from '../adapters/db/schema.ts';

export interface SessionWithOwner {
  session: SessionRow;
  device: DeviceRow;
  account: AccountRow;
}

/** The session of a token with its device and account; column names carry a prefix per table. */
const tokenLookup = (db: Queryable, tokenHash: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('devices', 'devices.id', 'sessions.device_id')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select([
      ...prefixed('sessions', SESSION_COLUMNS, 's_'),
      ...prefixed('devices', DEVICE_COLUMNS, 'd_'),
      ...prefixed('accounts', ACCOUNT_COLUMNS, 'a_'),
    ])
    .where('sessions.token_hash', '=', tokenHash);
type TokenRow = InferResult<ReturnType<typeof tokenLookup>>[number];

export function createDevicesStore() {
  /** The compiled token lookup per database dialect (transactions share their database's adapter). */
  const tokenLookups = new WeakMap<DialectAdapter, CompiledQuery<TokenRow>>();

  return {
    async insertDevice(db: Queryable, row: DeviceRow): Promise<void> {
      await db.insertInto('devices').values(row).execute();
    },

    findDevice(db: Queryable, accountId: string, deviceId: string): Promise<DeviceRow | undefined> {
      return db
        .selectFrom('devices')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', deviceId)
        .executeTakeFirst();
    },

    findByInstallation(
      db: Queryable,
      accountId: string,
      installationId: string,
    ): Promise<DeviceRow | undefined> {
      return db
        .selectFrom('devices')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('installation_id', '=', installationId)
        .executeTakeFirst();
    },

    listDevices(db: Queryable, accountId: string): Promise<DeviceRow[]> {
      return db
        .selectFrom('devices')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .execute();
    },

    /** Whether the account has ever had a device: device rows are deleted only with their account. */
    async hasDevice(db: Queryable, accountId: string): Promise<boolean> {
      const row = await db
        .selectFrom('devices')
        .select('id')
        .where('account_id', '=', accountId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Locks the account's row until the transaction ends (a no-op update: PostgreSQL; SQLite has one writer
     * already), so that two transactions deciding on the account's first device take turns.
     */
    async lockAccount(trx: Queryable, accountId: string): Promise<void> {
      await trx
        .updateTable('accounts')
        .set((eb) => ({ id: eb.ref('id') }))
        .where('id', '=', accountId)
        .execute();
    },

    async updateDevice(db: Queryable, id: string, patch: Partial<Omit<DeviceRow, 'id'>>): Promise<void> {
      await db.updateTable('devices').set(patch).where('id', '=', id).execute();
    },

    /** A removed or denied device loses its credential: it must be let in again like a new one. */
    async setStatus(db: Queryable, id: string, status: DeviceStatus, at: number): Promise<void> {
      const ended = status === 'removed' || status === 'denied';
      await db
        .updateTable('devices')
        .set({
          status,
          ...(status === 'removed' ? { removed_at: at } : {}),
          ...(ended ? { credential_hash: null } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    /** Replaces the device credential's hash if it is still `from`: false when another sign-in changed it first. */
    async swapCredential(db: Queryable, id: string, from: string | null, to: string): Promise<boolean> {
      const result = await db
        .updateTable('devices')
        .set({ credential_hash: to })
        .where('id', '=', id)
        .where('credential_hash', from === null ? 'is' : '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async insertSession(db: Queryable, row: SessionRow): Promise<void> {
      await db.insertInto('sessions').values(row).execute();
    },

    /** Resolves a token hash to its session, device and account in one query (every request does this). */
    async findByTokenHash(db: Queryable, tokenHash: string): Promise<SessionWithOwner | undefined> {
      // Building this 35-column join took Kysely longer than running it: build it once per database.
      const adapter = db.getExecutor().adapter;
      let compiled = tokenLookups.get(adapter);
      if (!compiled) {
        compiled = tokenLookup(db, '').compile();
        tokenLookups.set(adapter, compiled);
      }
      const { rows } = await db.executeQuery<TokenRow>({ ...compiled, parameters: [tokenHash] });
      const row = rows[0];
      if (!row) return undefined;
      return {
        session: unprefixed<SessionRow>(row, SESSION_COLUMNS, 's_'),
        device: unprefixed<DeviceRow>(row, DEVICE_COLUMNS, 'd_'),
        account: unprefixed<AccountRow>(row, ACCOUNT_COLUMNS, 'a_'),
      };
    },

    /** What risk signals compare a new sign-in with: the latest sign-ins, and sessions used since `activeSince`. */
    async recentSessions(db: Queryable, accountId: string, latest: number, activeSince: number) {
      const columns = ['id', 'created_at', 'last_used_at', 'place', 'revoked_at', 'expires_at'] as const;
      const newest = await db
        .selectFrom('sessions')
        .select(columns)
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .limit(latest)
        .execute();
      const active = await db
        .selectFrom('sessions')
        .select(columns)
        .where('account_id', '=', accountId)
        .where('last_used_at', '>=', activeSince)
        .execute();
      return [...new Map([...newest, ...active].map((row) => [row.id, row])).values()];
    },

    /** Records use of a session; `expiresAt` extends it (trusted devices only). */
    async touchSession(
      db: Queryable,
      session: SessionRow,
      device: DeviceRow,
      at: number,
      ip: string | null,
      expiresAt: number | null,
    ) {
      await db
        .updateTable('sessions')
        .set({ last_used_at: at, ...(expiresAt === null ? {} : { expires_at: expiresAt }) })
        .where('id', '=', session.id)
        .execute();
      await db
        .updateTable('devices')
        .set({ last_seen_at: at, last_ip: ip })
        .where('id', '=', device.id)
        .execute();
    },

    /** Revokes every live session of a device and returns their ids. */
    async revokeDeviceSessions(
      db: Queryable,
      deviceId: string,
      at: number,
      reason: string,
    ): Promise<string[]> {
      const rows = await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('device_id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async revokeSession(db: Queryable, sessionId: string, at: number, reason: string): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** Records that a session proved the password or a factor again (re-authentication). */
    async setAuthenticatedAt(db: Queryable, sessionId: string, at: number): Promise<void> {
      await db.updateTable('sessions').set({ authenticated_at: at }).where('id', '=', sessionId).execute();
    },

    /** Ends every live session of the account except `keep` (after a security change); returns what ended. */
    revokeOtherSessions(db: Queryable, accountId: string, keep: string, at: number, reason: string) {
      return db
        .updateTable('sessions')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('account_id', '=', accountId)
        .where('id', '!=', keep)
        .where('revoked_at', 'is', null)
        .returning(['id', 'device_id'])
        .execute();
    },

    /** Marks sessions past their expiry as ended (`expired`), so their sockets can be closed everywhere. */
    async markExpired(db: Queryable, now: number, limit: number) {
      const due = db
        .selectFrom('sessions')
        .select('id')
        .where('revoked_at', 'is', null)
        .where('expires_at', '<=', now)
        .limit(limit);
      return db
        .updateTable('sessions')
        .set((eb) => ({ revoked_at: eb.ref('expires_at'), revoke_reason: 'expired' }))
        .where('id', 'in', due)
        .where('revoked_at', 'is', null)
        .returning(['id', 'device_id', 'account_id'])
        .execute();
    },

    /**
     * Deletes sessions that expired before `before`, except each account's `keepLatest` newest: risk signals
     * compare a sign-in with those (usual countries, a dormant account), and their tokens are dead anyway.
     */
    async deleteExpired(db: Queryable, before: number, keepLatest: number): Promise<number> {
      const ranked = db
        .selectFrom('sessions')
        .select([
          'id',
          sql<number>`row_number() over (partition by account_id order by created_at desc)`.as('rank'),
        ])
        .as('ranked');
      const kept = db.selectFrom(ranked).select('ranked.id').where('ranked.rank', '<=', keepLatest);
      const result = await db
        .deleteFrom('sessions')
        .where('expires_at', '<', before)
        .where('id', 'not in', kept)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    listSessions(db: Queryable, accountId: string): Promise<SessionRow[]> {
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .execute();
    },
  };
}

export type DevicesStore = ReturnType<typeof createDevicesStore>;

/**
 * Every column of a row type; the compiler refuses a list that misses one, so a column added to the table later
 * cannot silently go missing from the principal.
 */
function everyColumn<Row>() {
  return <const C extends readonly (keyof Row & string)[]>(
    columns: C,
    ..._complete: [Exclude<keyof Row, C[number]>] extends [never]
      ? []
      : [missing: Exclude<keyof Row, C[number]>]
  ): C => columns;
}

const SESSION_COLUMNS = everyColumn<SessionRow>()([
  'id',
  'account_id',
  'device_id',
  'token_hash',
  'created_at',
  'expires_at',
  'last_used_at',
  'ip',
  'place',
  'factors',
  'revoked_at',
  'revoke_reason',
  'risk_flags',
  'client',
  'authenticated_at',
]);
const DEVICE_COLUMNS = everyColumn<DeviceRow>()([
  'id',
  'account_id',
  'installation_id',
  'name',
  'model',
  'os',
  'app_version',
  'serial',
  'status',
  'created_at',
  'trusted_at',
  'trust_reason',
  'last_seen_at',
  'last_ip',
  'last_place',
  'removed_at',
  'risk_flags',
  'credential_hash',
]);
const ACCOUNT_COLUMNS = everyColumn<AccountRow>()([
  'id',
  'email',
  'display_name',
  'password_hash',
  'role',
  'created_at',
  'password_changed_at',
  'password_change_required_at',
  'disabled_at',
]);

type Prefixed<T extends string, C extends string, P extends string> = {
  [K in C]: `${T}.${K} as ${P}${K}`;
}[C];

/** `table.column as <prefix>column` for each column: the three tables of the join share column names. */
function prefixed<T extends string, C extends string, P extends string>(
  table: T,
  columns: readonly C[],
  prefix: P,
): Prefixed<T, C, P>[] {
  return columns.map((column) => `${table}.${column} as ${prefix}${column}` as Prefixed<T, C, P>);
}

function unprefixed<Row>(row: Record<string, unknown>, columns: readonly string[], prefix: string): Row {
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column] = row[`${prefix}${column}`];
  return out as Row;
}
