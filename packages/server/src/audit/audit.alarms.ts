// A device's witness reports what it caught (a log that went back, two roots for one size, a failed
// consistency proof, a damaged log): recorded in the account's own log, so it shows in the activity,
// and announced to the account's other devices and by e-mail. The report carries both signed notes as
// the device got them, so anyone holding the log key can check the fork without trusting the device or us.
import { createHash } from 'node:crypto';
import { openCheckpoint } from '@shoebox/shared/merkle/index';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { EventBus } from '../platform/events.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import { loadTerms, ownerOf, readRow } from './audit.event-row.ts';
import { kindCode } from './audit.kind-codes.ts';
import type { AuditRecorder } from './audit.recorder.ts';

/** What a witness can catch; `rolled-back` is also what the server says of itself after a restore. */
export const ALARM_PROBLEMS = [
  'rolled-back',
  'two-roots',
  'inconsistent',
  'bad-signature',
  'key-changed',
  'log-damaged',
] as const;
export type AlarmProblem = (typeof ALARM_PROBLEMS)[number];

export interface AlarmReport {
  problem: AlarmProblem;
  /** The witness's own words, one line. */
  detail: string;
  /** The checkpoint note the device had verified before (null: none yet, e.g. a bad first signature). */
  earlier: string | null;
  /** The checkpoint note (or, for a damaged log, the latest one) that did not add up. */
  later: string;
}

export interface RecordedAlarm {
  seq: number;
  at: string;
  fork: string;
  earlierSigned: boolean;
  laterSigned: boolean;
  /** false: the same device had already reported against the checkpoint it held; nothing new was recorded. */
  recorded: boolean;
}

export interface AuditAlarmsDeps {
  db: Db;
  audit: AuditRecorder;
  events: EventBus;
  /** This log's verifier key: whether each note is really ours is part of the record. */
  verifierKey: string;
  clock: { now(): number };
}

export function createAuditAlarms({ db, audit, events, verifierKey, clock }: AuditAlarmsDeps) {
  const signed = (note: string | null) => note !== null && openCheckpoint(note, verifierKey).ok;

  /**
   * Records and announces an alarm about `accountId`'s view of the log. `by`: the reporting device and session, or
   * null when the server raises it itself (ops: "the log was rolled back after a restore").
   */
  async function raise(
    accountId: string,
    report: AlarmReport,
    by: { deviceId: string; sessionId: string; ip: string | null } | null,
  ): Promise<RecordedAlarm> {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const fork = sha(`${report.earlier ?? ''}\n--\n${report.later}`);
    const held = sha(report.earlier ?? report.later);
    const earlierSigned = signed(report.earlier);
    const laterSigned = signed(report.later);
    const deviceId = by?.deviceId ?? null;
    const result = await db.transaction().execute(async (trx) => {
      // A witness stops on every round until someone acts, and each report grows the log, so the next round sees
      // a new pair: one alarm per device and checkpoint it held is the news; the rest would be noise.
      const alarms = await trx
        .selectFrom('audit_all_events')
        .select(['seq', 'kind', 'body', 'created_at'])
        .where('owner', '=', ownerOf(accountId))
        .where('kind', '=', kindCode('audit.alarm'))
        .orderBy('seq')
        .execute();
      const terms = await loadTerms(trx, alarms);
      const seen = alarms.find((row) => {
        const body = readRow(row, terms)?.body;
        return body?.['deviceId'] === deviceId && body['held'] === held;
      });
      if (seen) return { seq: Number(seen.seq), at: Number(seen.created_at), recorded: false };
      const { seq } = await audit.record(trx, {
        accountId,
        kind: 'audit.alarm',
        body: {
          deviceId,
          sessionId: by?.sessionId ?? null,
          problem: report.problem,
          detail: report.detail,
          earlier: report.earlier,
          later: report.later,
          earlierSigned,
          laterSigned,
          fork,
          held,
          ip: by?.ip ?? null,
        },
      });
      return { seq, at: clock.now(), recorded: true };
    });
    if (result.recorded)
      events.emit('account.message', {
        accountId,
        event: 'audit.alarm',
        data: { deviceId, problem: report.problem, detail: report.detail, seq: result.seq, fork },
      });
    return {
      seq: result.seq,
      at: iso(result.at),
      fork,
      earlierSigned,
      laterSigned,
      recorded: result.recorded,
    };
  }

  return {
    raise,
    /** A trusted device reports what its witness caught. */
    report(actor: Principal, report: AlarmReport): Promise<RecordedAlarm> {
      requireTrusted(actor);
      return raise(actor.account.id, report, {
        deviceId: actor.device.id,
        sessionId: actor.session.id,
        ip: actor.ip,
      });
    },
  };
}

export type AuditAlarms = ReturnType<typeof createAuditAlarms>;
