// What a row of each kind of file must hold. Every problem of a file is collected (with its line) so the admin can
// fix the file in one go; nothing is stored unless the whole file is good.
import type { FleetImportKind, FleetRowProblem } from '@shoebox/shared';
import { parseCsv } from './csv.ts';

export type ShipmentRow = {
  serial: string;
  model: string;
  batch: string | null;
  shipDate: string;
  shippedTo: string;
};
export type SaleEvent = 'sale' | 'return' | 'refurbished';
export type SaleRow = {
  serial: string;
  retailer: string;
  orderId: string;
  saleDate: string;
  channel: string | null;
  event: SaleEvent;
};
export type ActivationRow = { serial: string; at: number; localTime: string; account: string };

type Rows = { shipments: ShipmentRow; sales: SaleRow; activations: ActivationRow };
export type ParsedFile<K extends FleetImportKind> = { rows: Rows[K][]; problems: FleetRowProblem[] };

const COLUMNS: Record<FleetImportKind, { required: string[]; optional: string[] }> = {
  shipments: { required: ['serial', 'model', 'batch', 'ship_date', 'shipped_to'], optional: [] },
  sales: { required: ['serial', 'retailer', 'order_id', 'sale_date', 'channel'], optional: ['event'] },
  activations: { required: ['serial', 'activated_at', 'account'], optional: [] },
};

const SALE_EVENTS: readonly string[] = ['sale', 'return', 'refurbished'];

/** Serials compare trimmed and case-blind: the form every fleet table stores. */
/** The one problem of a file with a header and nothing under it. */
export const NO_DATA_ROWS = 'the file has no data rows';

export function normaliseSerial(serial: string): string {
  return serial.trim().toUpperCase();
}

export function isValidSerial(serial: string): boolean {
  return /^[\x21-\x7e]{1,100}$/.test(serial) && !serial.includes(',');
}

export function parseFleetFile<K extends FleetImportKind>(kind: K, text: string): ParsedFile<K> {
  const problems: FleetRowProblem[] = [];
  const rows: Rows[K][] = [];
  const records = parseCsv(text);
  const first = records.next();
  if (first.done)
    return { rows, problems: [{ line: 1, reason: 'the file is empty (a header row is required)' }] };
  if ('error' in first.value) return { rows, problems: [{ line: 1, reason: first.value.error }] };
  const header = first.value.fields.map((h) => h.trim().toLowerCase());
  const headerProblem = checkHeader(kind, header);
  if (headerProblem) return { rows, problems: [{ line: first.value.line, reason: headerProblem }] };
  for (const record of records) {
    if ('error' in record) {
      problems.push({ line: record.line, reason: record.error });
      continue;
    }
    if (record.fields.length !== header.length) {
      problems.push({
        line: record.line,
        reason: `expected ${header.length} fields as in the header, found ${record.fields.length}`,
      });
      continue;
    }
    const cells = new Map(header.map((name, i) => [name, (record.fields[i] ?? '').trim()]));
    const reasons: string[] = [];
    const row = READERS[kind](cells, reasons);
    if (reasons.length > 0) problems.push({ line: record.line, reason: reasons.join('; ') });
    else rows.push(row);
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ line: 2, reason: NO_DATA_ROWS });
  return { rows, problems };
}

function checkHeader(kind: FleetImportKind, header: string[]): string | undefined {
  const { required, optional } = COLUMNS[kind];
  const missing = required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !required.includes(c) && !optional.includes(c));
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  const wanted = [...required, ...optional.map((c) => `[${c}]`)].join(',');
  if (missing.length > 0) return `the header lacks ${missing.join(', ')} (a ${kind} file has ${wanted})`;
  if (unknown.length > 0) return `unknown column ${unknown.join(', ')} (a ${kind} file has ${wanted})`;
  if (repeated.length > 0) return `column ${repeated.join(', ')} appears twice`;
  return undefined;
}

type Cells = Map<string, string>;

const READERS: { [K in FleetImportKind]: (cells: Cells, reasons: string[]) => Rows[K] } = {
  shipments: (cells, reasons) => ({
    serial: serial(cells, reasons),
    model: text(cells, 'model', reasons),
    batch: cells.get('batch') || null,
    shipDate: date(cells, 'ship_date', reasons),
    shippedTo: text(cells, 'shipped_to', reasons),
  }),
  sales: (cells, reasons) => {
    const event = (cells.get('event') ?? '').toLowerCase() || 'sale';
    if (!SALE_EVENTS.includes(event))
      reasons.push(`event "${cells.get('event') ?? ''}" is not sale, return or refurbished`);
    return {
      serial: serial(cells, reasons),
      retailer: text(cells, 'retailer', reasons),
      orderId: text(cells, 'order_id', reasons),
      saleDate: date(cells, 'sale_date', reasons),
      channel: cells.get('channel') || null,
      event: event as SaleEvent,
    };
  },
  activations: (cells, reasons) => {
    const localTime = cells.get('activated_at') ?? '';
    return {
      serial: serial(cells, reasons),
      at: instant(localTime, reasons),
      localTime,
      account: text(cells, 'account', reasons),
    };
  },
};

function serial(cells: Cells, reasons: string[]): string {
  const value = cells.get('serial') ?? '';
  if (!value) reasons.push('serial is empty');
  else if (!isValidSerial(value))
    reasons.push(`serial "${value}" has spaces or other characters a serial cannot have`);
  return normaliseSerial(value);
}

function text(cells: Cells, column: string, reasons: string[]): string {
  const value = cells.get(column) ?? '';
  if (!value) reasons.push(`${column} is empty`);
  else if (value.length > 200) reasons.push(`${column} is longer than 200 characters`);
  return value;
}

function date(cells: Cells, column: string, reasons: string[]): string {
  const value = cells.get(column) ?? '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m || !calendarDate(Number(m[1]), Number(m[2]), Number(m[3])))
    reasons.push(`${column} "${value}" is not a date as YYYY-MM-DD`);
  return value;
}

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 with an explicit offset; a time without one could be any of 26 hours. */
function instant(value: string, reasons: string[]): number {
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) {
    const hint = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)
      ? ' (it needs an offset such as Z or +01:00)'
      : '';
    reasons.push(`activated_at "${value}" is not an ISO 8601 time with offset${hint}`);
    return 0;
  }
  const [, y, mo, d, h, mi, s = '0', frac = '', offset = 'Z'] = m;
  const zone = normaliseOffset(offset);
  const zoneOk = zone === 'Z' || (Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(4, 6)) < 60);
  const valid =
    calendarDate(Number(y), Number(mo), Number(d)) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s.padStart(2, '0')}${frac.slice(0, 4)}${zone}`);
  if (!valid || !zoneOk || Number.isNaN(ms)) {
    reasons.push(`activated_at "${value}" is not a real time`);
    return 0;
  }
  return ms;
}

function normaliseOffset(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

function calendarDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 1970;
}
