import { randomBytes } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../adapters/db/database.ts';
import type {
  FleetActivationsTable,
  FleetImportsTable,
  FleetSalesTable,
  FleetShipmentsTable,
} from '../adapters/db/schema.ts';

export type ShipmentRecord = Selectable<FleetShipmentsTable>;
export type SaleRecord = Selectable<FleetSalesTable>;
export type ActivationRecord = Selectable<FleetActivationsTable>;

/** Rows per INSERT: well under the bound-parameter limits of both databases. */
const CHUNK = 500;
const PSEUDONYM_KEY = 'fleet_pseudonym_key';

type FleetRows = {
  fleet_shipments: Insertable<FleetShipmentsTable>;
  fleet_sales: Insertable<FleetSalesTable>;
  fleet_activations: Insertable<FleetActivationsTable>;
};

export function createFleetStore() {
  /** Inserts in chunks; a row equal (by its unique key) to one on record is skipped. Returns how many were new. */
  async function insertMany<T extends keyof FleetRows>(
    db: Queryable,
    table: T,
    rows: FleetRows[T][],
  ): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const result = await db
        .insertInto(table)
        .values(rows.slice(i, i + CHUNK) as never)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  }

  return {
    insertMany,

    async insertImport(db: Queryable, row: Insertable<FleetImportsTable>): Promise<void> {
      await db.insertInto('fleet_imports').values(row).execute();
    },

    async setImportedCount(db: Queryable, id: string, count: number): Promise<void> {
      await db.updateTable('fleet_imports').set({ imported_count: count }).where('id', '=', id).execute();
    },

    shipmentsOf(db: Queryable, serial: string): Promise<ShipmentRecord[]> {
      return db
        .selectFrom('fleet_shipments')
        .selectAll()
        .where('serial', '=', serial)
        .orderBy('ship_date')
        .execute();
    },

    salesOf(db: Queryable, serial: string): Promise<SaleRecord[]> {
      return db
        .selectFrom('fleet_sales')
        .selectAll()
        .where('serial', '=', serial)
        .orderBy('sale_date')
        .execute();
    },

    activationsOf(db: Queryable, serial: string): Promise<ActivationRecord[]> {
      return db
        .selectFrom('fleet_activations')
        .selectAll()
        .where('serial', '=', serial)
        .orderBy('at')
        .execute();
    },

    lastOfDevice(db: Queryable, deviceId: string): Promise<ActivationRecord | undefined> {
      return db
        .selectFrom('fleet_activations')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** The few device facts the activation records need (devices belong to devices/; read only here). */
    device(db: Queryable, id: string) {
      return db
        .selectFrom('devices')
        .select(['id', 'account_id', 'serial', 'status'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async enrolmentPlace(db: Queryable, enrolmentId: string): Promise<string | null> {
      const row = await db
        .selectFrom('enrolments')
        .select('place')
        .where('id', '=', enrolmentId)
        .executeTakeFirst();
      return row?.place ?? null;
    },

    /**
     * Accounts that let in a device carrying this serial: Shoebox recorded its activation when the device was let
     * in, and that record stays whatever became of the device since (removed, or waiting to come back). A serial
     * is the device's own claim: one that was never let in opens no other account's records.
     */
    async accountsWithSerial(db: Queryable, serial: string): Promise<string[]> {
      const rows = await db
        .selectFrom('fleet_activations as a')
        .innerJoin('devices as d', 'd.id', 'a.device_id')
        .select('d.account_id')
        .distinct()
        .where('a.source', '=', 'shoebox')
        .where('a.kind', '=', 'activated')
        .where('a.serial', '=', serial)
        .orderBy('d.account_id')
        .execute();
      return rows.map((r) => r.account_id);
    },

    /** The account's devices Shoebox recorded an activation for (let in while carrying a serial). */
    async activatedDevices(db: Queryable, accountId: string): Promise<Set<string>> {
      const rows = await db
        .selectFrom('fleet_activations as a')
        .innerJoin('devices as d', 'd.id', 'a.device_id')
        .select('d.id')
        .distinct()
        .where('d.account_id', '=', accountId)
        .where('a.source', '=', 'shoebox')
        .where('a.kind', '=', 'activated')
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    devicesWithSerial(db: Queryable, accountId: string) {
      return db
        .selectFrom('devices')
        .select(['id', 'name', 'model', 'serial', 'status', 'created_at'])
        .where('account_id', '=', accountId)
        .where('serial', 'is not', null)
        .orderBy('created_at')
        .execute();
    },

    accountExists(db: Queryable, accountId: string) {
      return db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
    },

    /** The server secret behind account pseudonyms; made on first use, kept in settings. */
    async pseudonymKey(db: Queryable): Promise<{ key: Buffer; stored: boolean }> {
      const read = () =>
        db.selectFrom('settings').select('value').where('key', '=', PSEUDONYM_KEY).executeTakeFirst();
      const found = await read();
      if (found) return { key: Buffer.from(found.value, 'base64'), stored: true };
      await db
        .insertInto('settings')
        .values({ key: PSEUDONYM_KEY, value: randomBytes(32).toString('base64') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const made = await read();
      if (!made) throw new Error('fleet pseudonym key missing after insert');
      // Possibly ours and not yet committed: not to be cached until read back from a committed row.
      return { key: Buffer.from(made.value, 'base64'), stored: false };
    },
  };
}

export type FleetStore = ReturnType<typeof createFleetStore>;
