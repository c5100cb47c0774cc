// What a security e-mail carries as evidence: the audit entry of the event it reports and the latest
// signed checkpoint covering it, so the owner's mailbox holds a copy of what the log said, outside
// the server, that a later rewrite cannot match.
import type { Queryable } from '../adapters/db/database.ts';
import { auditDb } from './audit.db.ts';
import { loadTerms, ownerOf, readRow } from './audit.event-row.ts';
import { kindCodes } from './audit.kind-codes.ts';
import type { AuditKind } from './audit.kinds.ts';

export interface NoticeEvidence {
  /** The audit entry of the event the notice reports; null when none could be matched. */
  seq: number | null;
  kind: string | null;
  /** The C2SP signed note of the latest checkpoint; it covers `seq` unless `covered` is false. */
  note: string;
  size: number;
  covered: boolean;
}

/** Which entry a notice reports, and the body field naming the device it is about (to pick the right one). */
const ENTRY_OF: Record<string, { kinds: AuditKind[]; device?: string }> = {
  'enrolment.requested': { kinds: ['enrolment.requested'], device: 'deviceId' },
  'sign-in.half-finished': { kinds: ['enrolment.requested'], device: 'deviceId' },
  'enrolment.approved': { kinds: ['enrolment.approved'], device: 'enrolledDeviceId' },
  'enrolment.denied': { kinds: ['enrolment.denied'], device: 'enrolledDeviceId' },
  'enrolment.expired': { kinds: ['enrolment.expired'], device: 'enrolledDeviceId' },
  'enrolment.failed': { kinds: ['enrolment.failed'], device: 'enrolledDeviceId' },
  'recovery-code.used': { kinds: ['recovery-code.used'] },
  'factor.added': { kinds: ['factor.added'] },
  'factor.removed': { kinds: ['factor.removed'] },
  'password.changed': { kinds: ['password.changed'] },
  'security.not-me': { kinds: ['device.removed'] },
  'sign-in.risk': { kinds: ['sign-in.succeeded'], device: 'deviceId' },
  'sign-in.failures': { kinds: ['sign-in.failed'] },
  'audit.alarm': { kinds: ['audit.alarm'] },
};

/** Entries of the notice's kinds looked through for its device: a notice is sent right after what it reports. */
const RECENT = 500;

export interface NoticeEvidenceDeps {
  db: Queryable;
  checkpointer: {
    latest(): Promise<{ size: number; note: string } | undefined>;
    poke(): void;
  };
  /** How long to wait for a checkpoint covering the entry (the checkpointer signs within a second). */
  waitMs?: number;
}

export function createNoticeEvidence({ db: raw, checkpointer, waitMs = 10_000 }: NoticeEvidenceDeps) {
  const db = auditDb(raw);

  async function entryOf(accountId: string, event: string, data: Record<string, unknown>) {
    if (typeof data['seq'] === 'number') return { seq: data['seq'], kind: event };
    const match = ENTRY_OF[event];
    if (!match) return null;
    const device = data['device'] as { id?: unknown } | undefined;
    const deviceId = device?.id ?? data['deviceId'];
    const rows = await db
      .selectFrom('audit_all_events')
      .select(['seq', 'kind', 'body', 'created_at'])
      .where('owner', '=', ownerOf(accountId))
      .where('kind', 'in', kindCodes(match.kinds))
      .orderBy('seq', 'desc')
      .limit(RECENT)
      .execute();
    const terms = await loadTerms(db, rows);
    for (const row of rows) {
      const opened = readRow(row, terms);
      if (!opened) continue;
      if (match.device && typeof deviceId === 'string' && opened.body[match.device] !== deviceId) continue;
      return { seq: Number(row.seq), kind: opened.kind };
    }
    return null;
  }

  /** The evidence for a notice about `event`, sent after its transaction committed; null before any checkpoint. */
  return async (accountId: string, event: string, data: unknown): Promise<NoticeEvidence | null> => {
    const entry = await entryOf(accountId, event, (data ?? {}) as Record<string, unknown>);
    let cp = await checkpointer.latest();
    if (entry && (!cp || cp.size <= entry.seq)) {
      checkpointer.poke();
      for (let waited = 0; (!cp || cp.size <= entry.seq) && waited < waitMs; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        cp = await checkpointer.latest();
      }
    }
    if (!cp) return null;
    const covered = entry ? entry.seq < cp.size : true;
    return { seq: entry?.seq ?? null, kind: entry?.kind ?? null, note: cp.note, size: cp.size, covered };
  };
}

export type NoticeEvidenceSource = ReturnType<typeof createNoticeEvidence>;
