import { z } from 'zod';
import { AccountRole } from './accounts.ts';
import { Place } from './common.ts';
import { DeviceStatus } from './devices.ts';
import { FindingParams, FleetFindingCode } from './findings.ts';

/** Which outside records a CSV file holds: manufacturer shipments, retailer sales, or earlier activations. */
export const FleetImportKind = z.enum(['shipments', 'sales', 'activations']);
export type FleetImportKind = z.infer<typeof FleetImportKind>;

export const FleetImportResult = z
  .object({
    id: z.string(),
    kind: FleetImportKind,
    /** Data rows in the file. */
    rows: z.number().int(),
    /** Rows stored; the rest were already on record (an identical row from this or an earlier file). */
    imported: z.number().int(),
    duplicates: z.number().int(),
    sha256: z.string(),
    importedAt: z.string(),
  })
  .meta({ id: 'FleetImportResult' });
export type FleetImportResult = z.infer<typeof FleetImportResult>;

/** One refused row of a file, as listed in the `errors` member of the `validation_failed` problem. */
export const FleetRowProblem = z
  .object({ line: z.number().int(), reason: z.string() })
  .meta({ id: 'FleetRowProblem' });
export type FleetRowProblem = z.infer<typeof FleetRowProblem>;

export const FleetEventKind = z.enum([
  'shipped',
  'sold',
  'returned',
  'refurbished',
  'activated',
  'signed-out',
  'removed',
]);
export type FleetEventKind = z.infer<typeof FleetEventKind>;

/** manufacturer/retailer/activation-records: imported files; shoebox: recorded by this server. */
export const FleetSource = z.enum(['manufacturer', 'retailer', 'activation-records', 'shoebox']);
export type FleetSource = z.infer<typeof FleetSource>;

export const FleetEvent = z
  .object({
    id: z.string(),
    kind: FleetEventKind,
    source: FleetSource,
    /** Calendar date (YYYY-MM-DD) of records that carry only a date: shipments and sales. */
    date: z.string().nullable(),
    /** UTC instant of activations and sign-outs. */
    at: z.string().nullable(),
    /** The time as the outside record wrote it, with its offset. */
    localTime: z.string().nullable(),
    /** Pseudonymous account id of an activation (never an account id or e-mail). */
    account: z.string().nullable(),
    /** The activation was by the account the history is read for (or, for staff, the latest owner). */
    byCurrentOwner: z.boolean(),
    /** Where a Shoebox activation signed in from; only shown to its own account and to staff. */
    place: Place.nullable(),
    model: z.string().nullable(),
    batch: z.string().nullable(),
    shippedTo: z.string().nullable(),
    retailer: z.string().nullable(),
    orderId: z.string().nullable(),
    channel: z.string().nullable(),
    /** The audit entry of a Shoebox activation, sign-out or removal. */
    auditSeq: z.number().int().nullable(),
  })
  .meta({ id: 'FleetEvent' });
export type FleetEvent = z.infer<typeof FleetEvent>;

export const FleetFinding = z
  .object({
    code: FleetFindingCode,
    /** English, for the CLI and API users; clients say `code` with `params` in their reader's language. */
    message: z.string(),
    params: FindingParams,
    /** Ids of the timeline events the finding rests on. */
    events: z.array(z.string()),
  })
  .meta({ id: 'FleetFinding' });
export type FleetFinding = z.infer<typeof FleetFinding>;

export const DeviceHistory = z
  .object({
    serial: z.string(),
    /** Pseudonymous id the findings are judged against: the asking account, or the latest to activate it. */
    currentOwner: z.string().nullable(),
    events: z.array(FleetEvent),
    findings: z.array(FleetFinding),
    /** Checks that were made and found nothing (e.g. no activation before its sale). */
    passed: z.array(FleetFindingCode),
  })
  .meta({ id: 'DeviceHistory' });
export type DeviceHistory = z.infer<typeof DeviceHistory>;

export const AccountDeviceHistories = z
  .object({
    accountId: z.string(),
    items: z.array(
      z.object({
        device: z.object({
          id: z.string(),
          name: z.string(),
          model: z.string().nullable(),
          serial: z.string(),
          status: DeviceStatus,
        }),
        history: DeviceHistory,
      }),
    ),
  })
  .meta({ id: 'AccountDeviceHistories' });
export type AccountDeviceHistories = z.infer<typeof AccountDeviceHistories>;

/** Staff (admin or support) looking at someone else's records must say why; the owner sees it in their log. */
export const StaffReasonQuery = z.object({
  reason: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'Why staff look at these records (required for staff)' }),
});

/** Roles an admin may give or take away; admins are made when the account is created. */
export const RoleUpdate = z.object({ role: AccountRole.exclude(['admin']) }).meta({ id: 'RoleUpdate' });
export type RoleUpdate = z.infer<typeof RoleUpdate>;
