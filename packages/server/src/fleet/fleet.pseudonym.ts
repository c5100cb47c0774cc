import { createHmac } from 'node:crypto';
import type { Queryable } from '../adapters/db/database.ts';
import type { FleetStore } from './fleet.store.ts';

export type Pseudonyms = (db: Queryable, accountId: string) => Promise<string>;

/**
 * Fleet records name accounts only by HMAC(server secret, account id): the same account always gets the same id,
 * so "activated by another account" can be judged, but the records alone (or an export of them) name no one.
 */
export function createPseudonyms(store: FleetStore): Pseudonyms {
  let cached: Buffer | undefined;
  return async (db, accountId) => {
    let key = cached;
    if (!key) {
      const found = await store.pseudonymKey(db);
      key = found.key;
      if (found.stored) cached = found.key;
    }
    return `sbx-${createHmac('sha256', key).update(accountId).digest('hex').slice(0, 32)}`;
  };
}
