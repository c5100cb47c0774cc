import type { Db } from '../adapters/db/database.ts';
import type { Mailer } from '../adapters/mail/mailer.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';
import { noticeFor } from './notices.ts';

export interface NotifierDeps {
  db: Db;
  events: EventBus;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  /** The "This wasn't me" link of a notice: a single-use token bound to the account and the device. */
  notMeLink(accountId: string, deviceId: string | null): Promise<string>;
  /** The audit entry a notice reports and the latest signed checkpoint (audit/audit.notice-evidence.ts). */
  evidence?(
    accountId: string,
    event: string,
    data: unknown,
  ): Promise<{ seq: number | null; kind: string | null; note: string; covered: boolean } | null>;
}

/** The owner's mailbox keeps a signed copy of what the log said, which a later rewrite cannot match. */
function evidenceLines(
  proof: { seq: number | null; kind: string | null; note: string; covered: boolean } | null,
): string[] {
  if (!proof) return [];
  return [
    '',
    proof.seq === null
      ? 'Audit log entry: none matched'
      : `Audit log entry: #${proof.seq} (${proof.kind ?? '?'})${proof.covered ? '' : ', not yet in a signed checkpoint'}`,
    'Latest signed checkpoint of the audit log (keep this e-mail: it proves what the log said):',
    '',
    ...proof.note.trimEnd().split('\n'),
  ];
}

/**
 * E-mails the owner about security events. Live notices to trusted devices go through the push hub from the same
 * `account.message` events; this adds the copy that reaches the owner when no device is open.
 */
export function startNotifier(deps: NotifierDeps): () => void {
  if (!deps.mailer.enabled) return () => undefined;
  return deps.events.on('account.message', (message) => {
    const notice = noticeFor(message.event, message.data ?? {}, new Date(deps.clock.now()));
    if (!notice) return;
    void (async () => {
      const account = await deps.db
        .selectFrom('accounts')
        .select('email')
        .where('id', '=', message.accountId)
        .executeTakeFirst();
      if (!account) return;
      const link = await deps.notMeLink(message.accountId, notice.deviceId);
      const proof = deps.evidence
        ? await deps.evidence(message.accountId, message.event, message.data).catch((err: unknown) => {
            deps.log.warn({ err, event: message.event }, 'no audit evidence for the notice e-mail');
            return null;
          })
        : null;
      await deps.mailer.send({
        to: notice.to ?? account.email,
        subject: notice.subject,
        text: [
          ...notice.lines,
          '',
          `This wasn't me: ${link}`,
          '(removes that device and asks you to change your password)',
          ...evidenceLines(proof),
        ].join('\n'),
      });
    })().catch((err: unknown) => deps.log.warn({ err, event: message.event }, 'notification e-mail failed'));
  });
}
