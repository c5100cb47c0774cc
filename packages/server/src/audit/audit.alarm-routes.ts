import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { ALARM_PROBLEMS, type AuditAlarms } from './audit.alarms.ts';

/** A C2SP note is a few hundred bytes; the bound only keeps a report from being a payload of its own. */
const note = z.string().min(1).max(4000);

export const AuditAlarmReport = z
  .object({
    problem: z.enum(ALARM_PROBLEMS),
    detail: z.string().min(1).max(1000).meta({ description: 'What the witness saw, one line' }),
    earlier: note
      .nullable()
      .meta({ description: 'The signed checkpoint note this device had verified before (null: none)' }),
    later: note.meta({ description: 'The signed checkpoint note that does not add up' }),
  })
  .meta({ id: 'AuditAlarmReport' });

export const AuditAlarmRecorded = z
  .object({
    seq: z.number().int().min(0).meta({ description: 'The audit-log entry recording the alarm' }),
    at: z.string(),
    fork: z.string().meta({ description: 'Hex SHA-256 of the two notes' }),
    earlierSigned: z.boolean().meta({ description: 'The earlier note verifies with this log’s key' }),
    laterSigned: z.boolean().meta({ description: 'The later note verifies with this log’s key' }),
    recorded: z.boolean().meta({
      description:
        'false: this device had already reported against the checkpoint it held (one alarm each); `seq` is that one',
    }),
  })
  .meta({ id: 'AuditAlarmRecorded' });

export function auditAlarmRoutes(alarms: AuditAlarms, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // The audit routes beside these already authenticate /audit/*: do it once.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/audit/alarms', once);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/audit/alarms',
      tags: ['audit'],
      summary: 'Report what this device’s witness caught: a log gone back, two roots, a failed proof',
      description:
        'Recorded in the account’s own audit log (`audit.alarm`, shown in the activity) with both signed notes, and announced to the account’s devices and by e-mail. Anyone with the log key can check the notes: two valid signatures on notes that cannot both be true prove the fork.',
      security,
      request: { body: { ...json(AuditAlarmReport), required: true } },
      responses: {
        201: { description: 'Recorded (or already on record)', ...json(AuditAlarmRecorded) },
        400: problem('Invalid report'),
        401: problem('Not signed in'),
        403: problem('Device not trusted'),
      },
    }),
    async (c) => c.json(await alarms.report(principalOf(c), c.req.valid('json')), 201),
  );
  return router;
}
