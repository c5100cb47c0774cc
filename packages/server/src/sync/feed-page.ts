import type { AccountRef, Photo, SyncAlbum, SyncChange } from '@shoebox/shared';
import type { Queryable } from '../adapters/db/database.ts';
import { toPhoto } from '../library/photo-dto.ts';
import { iso } from '../platform/clock.ts';
import type { FeedAlbumRow, FeedStore } from './feed.store.ts';

/** How the feed and the snapshot turn rows into what a device is sent, as the reading account sees it. */
export function createFeedReader(feed: FeedStore) {
  async function toAlbums(q: Queryable, viewerId: string, rows: FeedAlbumRow[]): Promise<SyncAlbum[]> {
    const members = await feed.albumPhotoIds(
      q,
      viewerId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      photoIds: members.get(r.id) ?? [],
      updatedAt: iso(r.updated_at),
      owner: { accountId: r.account_id, email: r.owner_email, displayName: r.owner_name },
      role: r.member_role ?? 'owner',
    }));
  }

  /** The photos as this account sees them: its own, and others' it sees through albums (with whose they are). */
  async function visiblePhotos(q: Queryable, viewerId: string, ids: string[]) {
    const rows = await feed.photosByIds(q, ids);
    const foreign = rows.filter((r) => r.account_id !== viewerId);
    const shared = await feed.visibleShared(
      q,
      viewerId,
      foreign.map((r) => r.id),
    );
    const owners = await feed.accounts(
      q,
      foreign.filter((r) => shared.has(r.id)).map((r) => r.account_id),
    );
    const visible = new Map<string, { photo: Photo; sharedBy?: AccountRef }>();
    for (const row of rows) {
      if (row.account_id === viewerId) visible.set(row.id, { photo: toPhoto(row, viewerId) });
      else if (shared.has(row.id))
        visible.set(row.id, { photo: toPhoto(row, viewerId), ...sharedBy(owners, row.account_id) });
    }
    return visible;
  }

  /**
   * One page of changes after `after`, read in one consistent view of the database (the caller's transaction) so
   * that the head it reports is the one every entity's version was chosen by: each entity is sent once, at its
   * latest change as of that head, with its state as of that head, or as a tombstone if the account no longer sees
   * it; a change superseded by a later one is left for that one.
   */
  async function page(q: Queryable, viewerId: string, after: number, limit: number) {
    const head = await feed.head(q, viewerId);
    const rows = await feed.changesAfter(q, viewerId, after, limit + 1);
    const slice = rows.slice(0, limit);
    // Fan-out writes a row per account that sees a change: this account's latest row of an entity carries its state.
    const latest = await feed.latestOf(q, viewerId, [...new Set(slice.map((r) => r.entity_id))]);
    const current = slice.filter((r) => latest.get(r.entity_id) === Number(r.id));
    const isPhoto = (kind: string) => kind.startsWith('photo.');
    const photos = await visiblePhotos(
      q,
      viewerId,
      current.filter((r) => isPhoto(r.kind)).map((r) => r.entity_id),
    );
    const albumRows = await feed.albumsByIds(
      q,
      viewerId,
      current.filter((r) => !isPhoto(r.kind)).map((r) => r.entity_id),
    );
    const albums = new Map((await toAlbums(q, viewerId, albumRows)).map((a) => [a.id, a]));
    const changes: SyncChange[] = current.map((r) => {
      const base = { id: Number(r.id), entityId: r.entity_id };
      if (isPhoto(r.kind)) {
        const seen = photos.get(r.entity_id);
        return seen
          ? { ...base, type: 'photo', op: 'upsert', ...seen }
          : { ...base, type: 'photo', op: 'delete' };
      }
      const album = albums.get(r.entity_id);
      return album
        ? { ...base, type: 'album', op: 'upsert', album }
        : { ...base, type: 'album', op: 'delete' };
    });
    const last = slice.at(-1);
    return {
      changes,
      to: last ? Number(last.id) : after,
      head: Math.max(head, after),
      hasMore: rows.length > limit,
    };
  }

  return { toAlbums, visiblePhotos, page };
}

/** `sharedBy` for a photo of another account: whose it is. */
export function sharedBy(
  owners: Map<string, { id: string; email: string; display_name: string }>,
  ownerId: string,
): { sharedBy?: AccountRef } {
  const owner = owners.get(ownerId);
  return owner
    ? { sharedBy: { accountId: owner.id, email: owner.email, displayName: owner.display_name } }
    : {};
}
