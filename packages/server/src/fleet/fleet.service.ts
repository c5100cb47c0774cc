import { createHash } from 'node:crypto';
import type {
  AccountDeviceHistories,
  DeviceHistory,
  FleetImportKind,
  FleetImportResult,
  FleetSummary,
} from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireAdmin } from '../accounts/accounts.service.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { buildHistory } from './fleet.findings.ts';
import { fleetSummary } from './fleet.summary.ts';
import type { Pseudonyms } from './fleet.pseudonym.ts';
import { insertImportRows, parseImport, rowProblems } from './fleet.import.ts';
import { isValidSerial, normaliseSerial } from './fleet.rows.ts';
import type { FleetStore } from './fleet.store.ts';
import type { StaffAccess } from './staff-access.ts';

export interface FleetServiceDeps {
  db: Db;
  store: FleetStore;
  pseudonyms: Pseudonyms;
  audit: AuditRecorder;
  staffAccess: StaffAccess;
  clock: Clock;
}

export function createFleetService({ db, store, pseudonyms, audit, staffAccess, clock }: FleetServiceDeps) {
  /** The timeline and findings of a serial, unchecked: callers decide who may see it (see history()). */
  async function historyOf(
    serial: string,
    view: { accountId?: string; allPlaces?: boolean } = {},
  ): Promise<DeviceHistory> {
    const normal = checkedSerial(serial);
    const [shipments, sales, activations] = await Promise.all([
      store.shipmentsOf(db, normal),
      store.salesOf(db, normal),
      store.activationsOf(db, normal),
    ]);
    return buildHistory({
      serial: normal,
      shipments,
      sales,
      activations,
      owner: view.accountId ? await pseudonyms(db, view.accountId) : null,
      showAllPlaces: view.allPlaces ?? !view.accountId,
    });
  }

  return {
    historyOf,

    /**
     * The history in the explain report's shape, judged for `accountId` (the account whose device is explained);
     * other accounts' places are never included. null: not a serial.
     */
    async summaryOf(serial: string, accountId?: string): Promise<FleetSummary | null> {
      // A device may call itself anything; a serial no record could hold has no history.
      if (!isValidSerial(serial.trim())) return null;
      const view = accountId ? { accountId, allPlaces: false } : { allPlaces: false };
      return fleetSummary(await historyOf(serial, view));
    },

    /** Imports one CSV file, all or nothing; the import is on the importing admin's audit log. */
    async importFile(
      actor: Principal,
      kind: FleetImportKind,
      text: string,
      fileName?: string,
    ): Promise<FleetImportResult> {
      requireTrusted(actor);
      requireAdmin(actor);
      const { parsed, problems } = parseImport(kind, text);
      if (problems.length > 0) throw rowProblems(kind, problems);
      const rows = parsed.rows;
      const now = clock.now();
      const id = newId(now);
      const sha256 = createHash('sha256').update(text).digest('hex');
      const imported = await db.transaction().execute(async (trx) => {
        await store.insertImport(trx, {
          id,
          kind,
          sha256,
          row_count: rows.length,
          imported_count: 0,
          imported_by: actor.account.id,
          imported_at: now,
          file_name: fileName ?? null,
        });
        const count = await insertImportRows(store, trx, parsed, id, now);
        await store.setImportedCount(trx, id, count);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'fleet.imported',
          body: { ...actorOf(actor), source: kind, count, ip: actor.ip },
        });
        return count;
      });
      return {
        id,
        kind,
        rows: rows.length,
        imported,
        duplicates: rows.length - imported,
        sha256,
        importedAt: iso(now),
      };
    },

    /** An owner reads the serials of their own devices; staff any serial, with a reason, on the owners' logs. */
    async history(actor: Principal, serial: string, reason: string | undefined): Promise<DeviceHistory> {
      requireTrusted(actor);
      const normal = checkedSerial(serial);
      const owners = await store.accountsWithSerial(db, normal);
      if (owners.includes(actor.account.id)) return historyOf(normal, { accountId: actor.account.id });
      if (actor.account.role === 'user')
        throw new AppError('forbidden', 'You can look up the history of your own devices’ serials only.');
      await staffAccess(actor, owners, reason, `fleet.history:${normal}`);
      return historyOf(normal, { allPlaces: true });
    },

    /** Every device-with-serial of an account and its history; staff need a reason, recorded on that account. */
    async accountHistories(
      actor: Principal,
      accountId: string,
      reason: string | undefined,
    ): Promise<AccountDeviceHistories> {
      requireTrusted(actor);
      const own = accountId === actor.account.id;
      if (!own) {
        if (actor.account.role === 'user') throw notFound('Account');
        if (!(await store.accountExists(db, accountId))) throw notFound('Account');
        await staffAccess(actor, accountId, reason, 'fleet.device-histories');
      }
      const devices = await store.devicesWithSerial(db, accountId);
      const activated = own ? await store.activatedDevices(db, accountId) : null;
      const items = [];
      for (const d of devices) {
        // An owner reads the histories of devices the account let in only (as history() above); staff see every
        // device that claimed a serial, which is part of what they look into.
        if (activated && !activated.has(d.id)) continue;
        const serial = d.serial?.trim();
        if (!serial || !isValidSerial(serial)) continue;
        const history = await historyOf(serial, { accountId, allPlaces: !own });
        items.push({ device: { id: d.id, name: d.name, model: d.model, serial, status: d.status }, history });
      }
      return { accountId, items };
    },
  };
}

export type FleetService = ReturnType<typeof createFleetService>;

function checkedSerial(serial: string): string {
  const trimmed = serial.trim();
  if (!isValidSerial(trimmed))
    throw new AppError('validation_failed', `"${serial}" is not a serial number (1-100 visible characters).`);
  return normaliseSerial(trimmed);
}
