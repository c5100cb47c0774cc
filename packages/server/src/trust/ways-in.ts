// How a new device of an account can be let in without a trusted device: the account's second factors, and a code
// by e-mail when the server can send mail. Removing the last trusted device of an account with none of these would
// lock it out for good (nothing could let a device in again), so that removal is refused.
import type { Queryable } from '../adapters/db/database.ts';
import type { FactorsStore } from './factors.store.ts';
import type { PasskeysStore } from './passkeys.store.ts';

export type WayIn = 'totp' | 'recovery-code' | 'passkey' | 'email-code';

export type WaysIn = (db: Queryable, accountId: string) => Promise<WayIn[]>;

export function createWaysIn(deps: {
  factors: FactorsStore;
  passkeys: PasskeysStore;
  emailEnabled: boolean;
}): WaysIn {
  return async (db, accountId) => {
    const [totp, codes, passkeys] = await Promise.all([
      deps.factors.confirmedTotp(db, accountId),
      deps.factors.unusedRecoveryCodes(db, accountId),
      deps.passkeys.list(db, accountId),
    ]);
    const ways: WayIn[] = [];
    if (totp) ways.push('totp');
    if (codes > 0) ways.push('recovery-code');
    if (passkeys.length > 0) ways.push('passkey');
    if (deps.emailEnabled) ways.push('email-code');
    return ways;
  };
}
