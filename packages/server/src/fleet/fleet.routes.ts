import { createRoute, z } from '@hono/zod-openapi';
import {
  AccountDeviceHistories,
  DeviceHistory,
  FleetImportKind,
  FleetImportResult,
  StaffReasonQuery,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppContext, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import { AppError } from '../errors.ts';
import type { FleetService } from './fleet.service.ts';

/** A CSV of a million rows is ~60 MB; imports are meant to be split well below that. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

const tags = ['fleet'];
const problems = {
  400: problem('Invalid request or file (rows listed with line numbers in `errors`)'),
  401: problem('Not signed in'),
  403: problem('Not allowed, or staff without a reason'),
} as const;

export function fleetRoutes(service: FleetService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/fleet/*', auth);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/fleet/imports/{kind}',
      tags,
      summary: 'Import manufacturer shipments, retailer sales or earlier activations from CSV (admin)',
      description: [
        'A header row, then one record per line (RFC 4180). Columns:',
        '`shipments`: serial,model,batch,ship_date,shipped_to;',
        '`sales`: serial,retailer,order_id,sale_date,channel[,event] with event sale (default), return or refurbished;',
        '`activations`: serial,activated_at,account with activated_at in ISO 8601 with offset and account a pseudonymous id.',
        'All or nothing: a file with any bad row is refused with every bad line listed, and nothing of it is stored.',
        `At most ${MAX_IMPORT_BYTES} bytes.`,
      ].join(' '),
      security,
      request: {
        params: z.object({ kind: FleetImportKind }),
        query: z.object({
          name: z
            .string()
            .trim()
            .min(1)
            .max(255)
            .optional()
            .meta({ description: 'The file’s name, as listed' }),
        }),
        body: { content: { 'text/csv': { schema: z.string() } }, required: true },
      },
      responses: {
        201: { description: 'Imported', ...json(FleetImportResult) },
        413: problem('File too large'),
        415: problem('Not text/csv'),
        ...problems,
      },
    }),
    async (c) => {
      const text = await readCsv(c);
      const { kind } = c.req.valid('param');
      const { name } = c.req.valid('query');
      return c.json(await service.importFile(principalOf(c), kind, text, name), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/fleet/devices/{serial}/history',
      tags,
      summary: 'A device serial’s timeline (shipments, sales, activations) and findings',
      description:
        'An account may ask about the serials of its own devices. Admins and support staff may ask about any serial with a `reason`; the lookup is recorded in the audit log of each account with a device of that serial.',
      security,
      request: { params: z.object({ serial: z.string().min(1).max(100) }), query: StaffReasonQuery },
      responses: { 200: { description: 'History', ...json(DeviceHistory) }, ...problems },
    }),
    async (c) => {
      const { serial } = c.req.valid('param');
      const { reason } = c.req.valid('query');
      return c.json(await service.history(principalOf(c), serial, reason), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/fleet/accounts/{accountId}/devices',
      tags,
      summary: 'The histories of every device (with a serial) of an account',
      description:
        'Your own account, or (admins and support staff, with a `reason`) anyone’s: the lookup is recorded in that account’s audit log, where its owner sees it.',
      security,
      request: { params: z.object({ accountId: z.string().min(1).max(64) }), query: StaffReasonQuery },
      responses: {
        200: { description: 'Histories', ...json(AccountDeviceHistories) },
        404: problem('No such account'),
        ...problems,
      },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { reason } = c.req.valid('query');
      return c.json(await service.accountHistories(principalOf(c), accountId, reason), 200);
    },
  );

  return router;
}

/** The request body as UTF-8 text, refused early when it is not CSV or grows past the limit. */
async function readCsv(c: AppContext): Promise<string> {
  if (!/^text\/csv\s*(;|$)/i.test(c.req.header('content-type') ?? ''))
    throw new AppError('unsupported_media_type', 'Send the file as text/csv.');
  const tooLarge = () =>
    new AppError('payload_too_large', `The file is larger than ${MAX_IMPORT_BYTES} bytes; split it.`);
  if (Number(c.req.header('content-length') ?? 0) > MAX_IMPORT_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (c.req.raw.body as ReadableStream<Uint8Array> | null)?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.byteLength;
    if (size > MAX_IMPORT_BYTES) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(part.value);
  }
  if (size === 0) throw new AppError('empty_file', 'The file is empty.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError('validation_failed', 'The file is not UTF-8 text.');
  }
}
