// One witness round (loaded on demand, so the signature and proof code stay out of the initial bundle): the
// server's latest checkpoint must extend the one this browser kept. On success it is kept; on failure the server is
// told, with both signed notes, as the CLI's agent does (cli/src/audit-alarm.ts), so the account's activity, its
// other devices and its mailbox hold the alarm and not only this tab.
import { api, ApiError, call } from '../api/client.tsx';
import { checkCheckpoint, keepAndReport, type AlarmCode } from '../devices/audit-checkpoint.ts';
import { keptCheckpoints, loadWitness } from '../devices/audit-witness-store.ts';

/** What POST /audit/alarms takes (server: audit/audit.alarms.ts). */
type AlarmProblem =
  'rolled-back' | 'two-roots' | 'inconsistent' | 'bad-signature' | 'key-changed' | 'log-damaged';

export type WitnessCode = Exclude<AlarmCode, 'entries'> | 'logDamaged';

export interface CaughtAlarm {
  code: WitnessCode;
  detail: string;
  /** The audit entry recording the report, or why the server did not take it. */
  report: { seq: number } | { failed: string };
}

const PROBLEMS: Record<WitnessCode, AlarmProblem> = {
  keyChanged: 'key-changed',
  badSignature: 'bad-signature',
  wentBackwards: 'rolled-back',
  wentBackAndRegrew: 'rolled-back',
  forked: 'two-roots',
  inconsistent: 'inconsistent',
  logDamaged: 'log-damaged',
};

async function report(code: WitnessCode, detail: string, earlier: string | null, later: string) {
  const body = {
    problem: PROBLEMS[code],
    detail: `browser witness: ${detail}`.slice(0, 1000),
    earlier,
    later,
  };
  return call(api.POST('/audit/alarms', { body })).then(
    (r) => ({ seq: r.seq }),
    (err: unknown) => ({ failed: err instanceof Error ? err.message : String(err) }),
  );
}

/** Null when the checkpoint extends the kept one; a refused or failed request throws (try again later, no alarm). */
export async function witnessOnce(): Promise<CaughtAlarm | null> {
  const reply = await call(api.GET('/audit/checkpoint'));
  const newest = loadWitness();
  const caught = async (
    code: WitnessCode,
    detail: string,
    against: { note?: string } | null = newest,
  ): Promise<CaughtAlarm> => ({
    code,
    detail,
    report: await report(code, detail, against?.note ?? null, reply.note),
  });
  let checked;
  try {
    checked = await checkCheckpoint(reply, keptCheckpoints());
  } catch (err) {
    // The server admits its own log is damaged when asked for the proof: that is an alarm, not a network hiccup.
    if (err instanceof ApiError && err.code === 'audit_log_damaged') return caught('logDamaged', err.message);
    throw err;
  }
  if (!checked.ok)
    return checked.code === 'entries'
      ? null
      : caught(checked.code, checked.detail, checked.against ?? newest);
  await keepAndReport(checked.verifierKey, {
    size: checked.checkpoint.size,
    root: checked.root,
    note: reply.note,
    seenAt: new Date().toISOString(),
  });
  return null;
}
