// Turning an uploaded CSV file into fleet rows: parsed and checked whole first, then stored in the caller's
// transaction, so that a file is stored entirely or not at all.
import type { FleetImportKind, FleetRowProblem } from '@shoebox/shared';
import type { Tx } from '../adapters/db/database.ts';
import { AppError } from '../errors.ts';
import { newId } from '../platform/ids.ts';
import {
  NO_DATA_ROWS,
  parseFleetFile,
  type ActivationRow,
  type SaleRow,
  type ShipmentRow,
} from './fleet.rows.ts';
import type { FleetStore } from './fleet.store.ts';

/** Problems listed in the problem document; a file with more says how many more. */
const MAX_LISTED_PROBLEMS = 1000;

export type ParsedImport =
  | { kind: 'shipments'; rows: ShipmentRow[] }
  | { kind: 'sales'; rows: SaleRow[] }
  | { kind: 'activations'; rows: ActivationRow[] };

export function parseImport(
  kind: FleetImportKind,
  text: string,
): { parsed: ParsedImport; problems: FleetRowProblem[] } {
  if (kind === 'shipments') {
    const { rows, problems } = parseFleetFile(kind, text);
    return { parsed: { kind, rows }, problems };
  }
  if (kind === 'sales') {
    const { rows, problems } = parseFleetFile(kind, text);
    return { parsed: { kind, rows }, problems };
  }
  const { rows, problems } = parseFleetFile('activations', text);
  return { parsed: { kind: 'activations', rows }, problems };
}

export async function insertImportRows(
  store: FleetStore,
  trx: Tx,
  parsed: ParsedImport,
  importId: string,
  at: number,
): Promise<number> {
  const id = () => newId(at);
  if (parsed.kind === 'shipments') {
    return store.insertMany(
      trx,
      'fleet_shipments',
      parsed.rows.map((r) => ({
        id: id(),
        import_id: importId,
        serial: r.serial,
        model: r.model,
        batch: r.batch,
        ship_date: r.shipDate,
        shipped_to: r.shippedTo,
      })),
    );
  }
  if (parsed.kind === 'sales') {
    return store.insertMany(
      trx,
      'fleet_sales',
      parsed.rows.map((r) => ({
        id: id(),
        import_id: importId,
        serial: r.serial,
        retailer: r.retailer,
        order_id: r.orderId,
        sale_date: r.saleDate,
        channel: r.channel,
        event: r.event,
      })),
    );
  }
  return store.insertMany(
    trx,
    'fleet_activations',
    parsed.rows.map((r) => ({
      id: id(),
      source: 'import',
      kind: 'activated',
      serial: r.serial,
      at: r.at,
      local_time: r.localTime,
      account: r.account,
      place: null,
      device_id: null,
      import_id: importId,
      audit_seq: null,
    })),
  );
}

export function rowProblems(kind: FleetImportKind, problems: FleetRowProblem[]): AppError {
  const details = { errors: problems.slice(0, MAX_LISTED_PROBLEMS), errorCount: problems.length };
  // Not a bad row: there is no row at all.
  if (problems.length === 1 && problems[0]?.reason === NO_DATA_ROWS)
    return new AppError(
      'validation_failed',
      `The ${kind} file has a header but no rows: nothing was imported.`,
      details,
    );
  const shown = problems
    .slice(0, 3)
    .map((p) => `line ${p.line}: ${p.reason}`)
    .join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  const rows = problems.length === 1 ? '1 row' : `${problems.length} rows`;
  return new AppError(
    'validation_failed',
    `${rows} of the ${kind} file ${problems.length === 1 ? 'is' : 'are'} not valid, so nothing was imported: ${shown}${more}.`,
    details,
  );
}
