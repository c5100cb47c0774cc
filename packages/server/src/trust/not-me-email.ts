import type { Tx } from '../adapters/db/database.ts';
import { loadTerms, ownerOf, readRow } from '../audit/audit.event-row.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';

type By = { deviceId: string | null; sessionId: string | null; ip: string | null };

/**
 * "This wasn't me" about the device that last changed the account's e-mail address puts the previous address back
 * (when the account still has the new one and nobody else took the old one since): otherwise whoever was in would
 * keep receiving every later notice. Read from the account's own audit entry, which names the device and both
 * addresses; the restoration is recorded like any change (proof `not-me`).
 */
export async function restoreEmailChangedBy(
  trx: Tx,
  audit: AuditRecorder,
  accountId: string,
  deviceId: string,
  by: By,
): Promise<string | null> {
  const last = await trx
    .selectFrom('audit_all_events')
    .select(['seq', 'kind', 'body', 'created_at'])
    .where('owner', '=', ownerOf(accountId))
    .where('kind', '=', kindCode('account.email-changed'))
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const b: Record<string, unknown> = (last && readRow(last, await loadTerms(trx, [last]))?.body) ?? {};
  const { previousEmail, newEmail } = b;
  if (b['deviceId'] !== deviceId || typeof previousEmail !== 'string' || typeof newEmail !== 'string')
    return null;
  const account = await trx
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (account?.email !== newEmail) return null;
  const other = await trx
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', previousEmail)
    .executeTakeFirst();
  if (other) return null;
  await trx.updateTable('accounts').set({ email: previousEmail }).where('id', '=', accountId).execute();
  await trx.deleteFrom('settings').where('key', '=', `email-change:${accountId}`).execute();
  await audit.record(trx, {
    accountId,
    kind: 'account.email-changed',
    body: { ...by, previousEmail: newEmail, newEmail: previousEmail, proof: 'not-me' },
  });
  return previousEmail;
}
