// Photos of other accounts seen through albums: each is justified by a membership and the grant entry of the
// viewer's own log that opened it (recorded in both accounts' logs, so the viewer's device can check its own).
// One of another account that no current membership lets in, or in an album its account has no part in, is what a
// server-side mix-up looks like.
import type { SharedIn } from '@shoebox/shared';
import { iso } from '../platform/clock.ts';
import { cite, str } from './evidence.ledger.ts';
import type { EvidencePhotoRow, LoggedEvent, SharedPhotoRow } from './evidence.store.ts';

export interface SharedPhoto {
  photo: EvidencePhotoRow;
  /** null: no album shares it with this account. */
  sharedIn: SharedIn | null;
}

/** Per `albumId:granteeId`, the grant that opened the current membership (a revoke closes it; role changes don't). */
export function openGrants(events: readonly LoggedEvent[]): Map<string, LoggedEvent> {
  const open = new Map<string, LoggedEvent>();
  for (const e of events) {
    const key = `${str(e, 'albumId') ?? ''}:${str(e, 'granteeAccountId') ?? ''}`;
    if (e.kind === 'album.share-revoked') open.delete(key);
    else if (e.kind === 'album.share-granted' && !open.has(key)) open.set(key, e);
  }
  return open;
}

/** One entry per photo (rows come one per album): the first album that lawfully shares it, else unshared. */
export function sharedPhotos(
  rows: readonly SharedPhotoRow[],
  viewerId: string,
  grants: ReadonlyMap<string, LoggedEvent>,
): SharedPhoto[] {
  const out = new Map<string, SharedPhoto>();
  for (const row of rows) {
    const { album_id, album_owner_id, member_granted_at, contributor_granted_at, ...photo } = row;
    if (out.get(photo.id)?.sharedIn) continue;
    // Only the owner's and the members' photos belong in an album. A member sees them all; the owner sees those its
    // members added, through the grant to the member who added it.
    const lawful = photo.account_id === album_owner_id || contributor_granted_at !== null;
    const grantee = member_granted_at !== null ? viewerId : photo.account_id;
    const viewerGrant = member_granted_at ?? (album_owner_id === viewerId ? contributor_granted_at : null);
    const grantedAt = lawful ? viewerGrant : null;
    const grant = grants.get(`${album_id}:${grantee}`);
    out.set(photo.id, {
      photo,
      sharedIn:
        grantedAt === null
          ? null
          : {
              albumId: album_id,
              ownerAccountId: album_owner_id,
              grantedAt: iso(grantedAt),
              cite: grant ? cite(grant) : null,
            },
    });
  }
  return [...out.values()];
}
