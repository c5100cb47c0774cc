// An audit alarm: this device caught the server's log misbehaving. It is reported to the server (so the
// account's activity, other devices and mailbox hold it, with both signed notes) and raised here (exit 3).
import type { ApiClient } from './api-client.ts';
import { CliError } from './output.ts';

/** Exit code of an audit alarm, distinct from ordinary failures so scripts and services can page someone. */
export const ALARM_EXIT = 3;

export class AuditAlarm extends CliError {
  constructor(message: string) {
    super(`AUDIT ALARM: ${message}`, ALARM_EXIT, 'audit_alarm');
  }
}

/** What the server's POST /audit/alarms takes (server: audit/audit.alarm-routes.ts). */
type AlarmProblem =
  'rolled-back' | 'two-roots' | 'inconsistent' | 'bad-signature' | 'key-changed' | 'log-damaged';

/**
 * Tells the server what this witness caught, with both signed notes, so the account's activity, its other devices
 * and the owner's mailbox hold it too; then raises the alarm here. A server that refuses the report is itself
 * news, but the local alarm (exit 3) stands either way.
 */
export async function alarm(
  client: ApiClient,
  problem: AlarmProblem,
  detail: string,
  earlier: string | null,
  later: string,
): Promise<never> {
  const reported = await client
    .request<{ seq: number }>('POST', '/audit/alarms', {
      json: { problem, detail: detail.slice(0, 1000), earlier, later },
    })
    .then(
      (r) => ` Reported to the server (audit entry ${r.seq}).`,
      (err: unknown) => ` The server did not take the report (${(err as Error).message}).`,
    );
  throw new AuditAlarm(`${detail}${reported}`);
}
