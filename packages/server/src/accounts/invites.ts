// Sign-up invitations are settings rows keyed by the SHA-256 of their code, so the code itself is never stored;
// the hex digest doubles as the invite's id (for listing and revoking, account-admin.service.ts).
import { createHash } from 'node:crypto';
import type { Tx } from '../adapters/db/database.ts';
import { AppError } from '../errors.ts';

export const INVITE_PREFIX = 'invite:';
export const INVITE_TTL_MS = 7 * 24 * 3600_000;

export function inviteKey(code: string): string {
  return `${INVITE_PREFIX}${createHash('sha256').update(code).digest('hex')}`;
}

/** Uses up the invite for `email` in the sign-up's transaction, or refuses the sign-up. */
export async function consumeInvite(trx: Tx, code: string | undefined, email: string, now: number) {
  const refused = new AppError('signup_closed', 'Sign-up on this server needs a valid invitation.');
  if (!code) throw refused;
  const key = inviteKey(code);
  const row = await trx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  if (!row) throw refused;
  const invite = JSON.parse(row.value) as { email: string; expiresAt: number };
  if (invite.email !== email || invite.expiresAt < now) throw refused;
  await trx.deleteFrom('settings').where('key', '=', key).execute();
}
