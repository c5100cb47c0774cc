// The account's feed rows of its photos, for the sync delivery rule (sync/delivery-rule.ts) that dates deliveries.
import type { Queryable } from '../adapters/db/database.ts';
import type { FeedRow } from '../sync/delivery-rule.ts';

/**
 * Each photo's feed rows other than `photo.added` (changes, trash, restore, shares), in id order. Most photos have
 * none, so this stays small beside the added rows the upload index already holds.
 */
export async function laterRows(
  db: Queryable,
  accountId: string,
  photoId?: string,
): Promise<Map<string, FeedRow[]>> {
  let q = db
    .selectFrom('changes')
    .select(['entity_id', 'id', 'kind'])
    .where('account_id', '=', accountId)
    .where('kind', 'like', 'photo.%')
    .where('kind', '!=', 'photo.added');
  if (photoId !== undefined) q = q.where('entity_id', '=', photoId);
  const out = new Map<string, FeedRow[]>();
  for (const r of await q.orderBy('id').execute()) {
    const list = out.get(r.entity_id) ?? [];
    list.push({ id: Number(r.id), kind: r.kind });
    out.set(r.entity_id, list);
  }
  return out;
}
