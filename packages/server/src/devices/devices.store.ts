import type { Queryable } from '../adapters/db/database.ts';
import type { AccountRow, DeviceRow, DeviceStatus, SessionRow } from '../adapters/db/schema.ts';

export interface SessionWithOwner {
  session: SessionRow;
  device: DeviceRow;
  account: AccountRow;
}

export function createDevicesStore() {
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

    async countTrusted(db: Queryable, accountId: string): Promise<number> {
      const row = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('status', '=', 'trusted')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async updateDevice(db: Queryable, id: string, patch: Partial<Omit<DeviceRow, 'id'>>): Promise<void> {
      await db.updateTable('devices').set(patch).where('id', '=', id).execute();
    },

    async setStatus(db: Queryable, id: string, status: DeviceStatus, at: number): Promise<void> {
      await db
        .updateTable('devices')
        .set({ status, ...(status === 'removed' ? { removed_at: at } : {}) })
        .where('id', '=', id)
        .execute();
    },

    async insertSession(db: Queryable, row: SessionRow): Promise<void> {
      await db.insertInto('sessions').values(row).execute();
    },

    /** Resolves a token hash to its live session, device and account in one query. */
    async findByTokenHash(db: Queryable, tokenHash: string): Promise<SessionWithOwner | undefined> {
      const session = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!session) return undefined;
      const [device, account] = await Promise.all([
        db.selectFrom('devices').selectAll().where('id', '=', session.device_id).executeTakeFirst(),
        db.selectFrom('accounts').selectAll().where('id', '=', session.account_id).executeTakeFirst(),
      ]);
      return device && account ? { session, device, account } : undefined;
    },

    async touchSession(db: Queryable, session: SessionRow, device: DeviceRow, at: number, ip: string | null) {
      await db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', session.id).execute();
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
