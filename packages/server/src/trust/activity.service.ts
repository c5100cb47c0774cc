import type { ActivityItem, ActivityPage, Place } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import { ACTIVITY_KINDS } from '@shoebox/shared/api/activity-kinds';
import { loadTerms, ownerOf, readRow, riskFlagsIn } from '../audit/audit.event-row.ts';
import { kindCodes } from '../audit/audit.kind-codes.ts';

type Body = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The device an entry is about, and the one that did it when that is another. */
function devicesOf(kind: string, b: Body): { about: string | null; by: string | null } {
  switch (kind) {
    case 'enrolment.approved':
    case 'enrolment.denied':
    case 'enrolment.expired':
    case 'enrolment.failed':
      return { about: text(b['enrolledDeviceId']), by: text(b['deviceId']) };
    case 'device.removed':
      return { about: text(b['removedDeviceId']), by: text(b['deviceId']) };
    case 'session.ended': {
      // Ended by the server (expiry) names the session's device apart; a sign-out is its own device; ended from
      // another device names both, and that other device is the one that did it.
      const ended = text(b['endedDeviceId']);
      const actor = text(b['deviceId']);
      return {
        about: ended ?? actor,
        by: ended !== null && actor !== null && actor !== ended ? actor : null,
      };
    }
    default:
      return { about: text(b['deviceId']), by: null };
  }
}

function resultOf(kind: string): ActivityItem['result'] {
  if (
    kind === 'sign-in.failed' ||
    kind === 'enrolment.failed' ||
    kind === 'enrolment.denied' ||
    kind === 'reauth.failed'
  )
    return 'failure';
  if (kind === 'sign-in.succeeded' || kind === 'enrolment.approved' || kind === 'reauth.succeeded')
    return 'success';
  return null;
}

/**
 * The account's activity, newest first, read from its own audit-log entries: what the owner sees and what the
 * evidence log proves are the same rows. Entries last as long as the log keeps them (it never drops any).
 */
export function createActivityService({ db }: { db: Db }) {
  return {
    async list(actor: Principal, cursor: string | undefined, limit: number): Promise<ActivityPage> {
      requireTrusted(actor);
      const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor);
      if (!Number.isSafeInteger(before) || before < 0)
        throw new AppError('invalid_cursor', 'The cursor is not valid.');
      const rows = await db
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('owner', '=', ownerOf(actor.account.id))
        .where('kind', 'in', kindCodes(ACTIVITY_KINDS))
        .where('seq', '<', before)
        .where('span_first', '<', before) // skips the owner's blocks wholly after the cursor
        .orderBy('seq', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const terms = await loadTerms(db, page);
      const parsed = page.map((r) => {
        // A listing: a row that cannot be read shows as an empty entry (the audit verification reports it).
        const event = readRow(r, terms);
        return {
          seq: Number(r.seq),
          kind: event?.kind ?? '',
          at: Number(r.created_at),
          body: event?.body ?? {},
        };
      });
      const ids = [
        ...new Set(
          parsed.flatMap((p) => {
            const { about, by } = devicesOf(p.kind, p.body);
            return [about, by].filter((x) => x !== null);
          }),
        ),
      ];
      const devices = ids.length
        ? await db
            .selectFrom('devices')
            .select(['id', 'name', 'model', 'os'])
            .where('account_id', '=', actor.account.id)
            .where('id', 'in', ids)
            .execute()
        : [];
      const byId = new Map(devices.map((d) => [d.id, d]));
      const items = parsed.map((p): ActivityItem => {
        const { about, by } = devicesOf(p.kind, p.body);
        const factors = p.body['factors'] ?? (p.body['factor'] ? [p.body['factor']] : []);
        return {
          id: String(p.seq),
          at: iso(p.at),
          kind: p.kind,
          result: resultOf(p.kind),
          device: (about && byId.get(about)) || null,
          byDeviceId: by,
          byDevice: (by && byId.get(by)) || null,
          ip: text(p.body['ip']),
          place: (p.body['place'] as Place | null | undefined) ?? null,
          factors: Array.isArray(factors) ? factors.filter((f) => typeof f === 'string') : [],
          riskFlags: riskFlagsIn(p.body),
          detail: p.body,
        };
      });
      const last = parsed.at(-1);
      return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;
