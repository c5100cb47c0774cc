import type { AlbumMember, AlbumMembers } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { AlbumRole } from '../adapters/db/schema.ts';
import { normaliseEmail } from '../accounts/accounts.service.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { AlbumFeed } from './album-feed.ts';
import { albumAudience, type AlbumMembersStore } from './album-members.store.ts';
import { loadAlbum, requireRole } from './albums.service.ts';
import type { AlbumsStore } from './albums.store.ts';

export interface AlbumSharingServiceDeps {
  db: Db;
  albums: AlbumsStore;
  members: AlbumMembersStore;
  feed: AlbumFeed;
  clock: Clock;
  audit: AuditRecorder;
}

/**
 * Sharing an album with other accounts. A grant or revoke is a change like any other: in the feed of the owner and
 * of every member, and on the audit record of both the owner and the member, in the transaction of the change.
 */
export function createAlbumSharingService({
  db,
  albums,
  members,
  feed,
  clock,
  audit,
}: AlbumSharingServiceDeps) {
  /** Who did it, naming the member, for the record of both accounts concerned (each can show how photos came). */
  const recordOf = (actor: Principal, granteeAccountId: string) => ({
    ...actorOf(actor),
    ip: actor.ip,
    granteeAccountId,
  });

  return {
    /** The owner and members; any of them may look. */
    async members(actor: Principal, albumId: string): Promise<AlbumMembers> {
      requireTrusted(actor);
      const album = await loadAlbum(db, albums, actor, albumId);
      const rows = await members.members(db, albumId);
      return {
        owner: { accountId: album.account_id, email: album.owner_email, displayName: album.owner_name },
        items: rows.map((r) => ({
          accountId: r.account_id,
          email: r.email,
          displayName: r.display_name,
          role: r.role,
          grantedAt: iso(r.granted_at),
        })),
      };
    },

    /** Shares the album with the account of this e-mail, or changes its role. Only the owner may. */
    async share(
      actor: Principal,
      albumId: string,
      input: { email: string; role: AlbumRole },
    ): Promise<{ member: AlbumMember; created: boolean }> {
      requireTrusted(actor);
      requireRole(await loadAlbum(db, albums, actor, albumId), ['owner'], 'share it');
      const grantee = await members.findAccountByEmail(db, normaliseEmail(input.email));
      if (!grantee) throw new AppError('not_found', 'No account has that e-mail address.');
      if (grantee.id === actor.account.id)
        throw new AppError('bad_request', 'You own this album; share it with someone else.');
      const now = clock.now();
      const { audience, changeId, created } = await db.transaction().execute(async (trx) => {
        await feed.lock(trx);
        const existing = await members.member(trx, albumId, grantee.id);
        if (existing?.role === input.role) return { audience: [], changeId: 0, created: false };
        const audience = [...(await albumAudience(trx, albumId)), grantee.id];
        const change = { kind: 'album.share-granted' as const, albumId, now };
        const changeId = await feed.albumChanged(trx, audience, {
          ...change,
          body: { accountId: grantee.id, role: input.role },
        });
        if (existing) await members.setRole(trx, albumId, grantee.id, input.role);
        else {
          await members.grant(trx, {
            albumId,
            accountId: grantee.id,
            role: input.role,
            deviceId: actor.device.id,
            now,
            changeId,
          });
          await feed.photosMoved(
            trx,
            [grantee.id],
            await albums.allPhotos(trx, albumId),
            'photo.shared',
            now,
          );
        }
        await audit.recordMany(
          trx,
          [actor.account.id, grantee.id].map((accountId) => ({
            accountId,
            kind: 'album.share-granted' as const,
            body: { ...recordOf(actor, grantee.id), albumId, role: input.role },
          })),
        );
        return { audience, changeId, created: !existing };
      });
      if (changeId) feed.announce(audience, changeId);
      const row = await members.member(db, albumId, grantee.id);
      return {
        created,
        member: {
          accountId: grantee.id,
          email: grantee.email,
          displayName: grantee.display_name,
          role: input.role,
          grantedAt: iso(row?.granted_at ?? now),
        },
      };
    },

    /**
     * Ends a membership: the owner revokes anyone, a member may leave. The album's photos leave the member's devices
     * through its feed, and the member's own photos leave the album (they stay in its library).
     */
    async unshare(actor: Principal, albumId: string, accountId: string): Promise<void> {
      requireTrusted(actor);
      const album = await loadAlbum(db, albums, actor, albumId);
      if (accountId !== actor.account.id) requireRole(album, ['owner'], 'remove its members');
      await endMembership(actor, album.account_id, albumId, accountId);
    },

    /**
     * Account deletion: the account leaves every album shared with it, as if it left each itself (recorded with no
     * device: the server did it). Its own photos there are already deleted; the albums go on for everyone else.
     */
    async leaveAll(accountId: string): Promise<number> {
      const joined = (await albums.list(db, accountId)).filter((a) => a.member_role !== null);
      for (const album of joined) await endMembership(null, album.account_id, album.id, accountId);
      return joined.length;
    },
  };

  async function endMembership(
    actor: Principal | null,
    ownerId: string,
    albumId: string,
    accountId: string,
  ): Promise<void> {
    const now = clock.now();
    const { audience, changeId } = await db.transaction().execute(async (trx) => {
      await feed.lock(trx);
      if (!(await members.member(trx, albumId, accountId))) throw notFound('Member');
      const audience = await albumAudience(trx, albumId);
      const changeId = await feed.albumChanged(trx, audience, {
        kind: 'album.share-revoked',
        albumId,
        body: { accountId },
        now,
      });
      const theirs = await members.photosOf(trx, albumId, accountId);
      await albums.removePhotos(trx, albumId, theirs);
      const stay = audience.filter((a) => a !== accountId);
      const leaving = theirs.map((id) => ({ id, account_id: accountId }));
      await feed.photosMoved(trx, stay, leaving, 'photo.unshared', now);
      await feed.photosMoved(trx, [accountId], await albums.allPhotos(trx, albumId), 'photo.unshared', now);
      await members.revoke(trx, albumId, accountId);
      const body = actor
        ? { ...recordOf(actor, accountId), albumId }
        : { deviceId: null, sessionId: null, ip: null, granteeAccountId: accountId, albumId };
      await audit.recordMany(
        trx,
        [...new Set([ownerId, accountId])].map((account) => ({
          accountId: account,
          kind: 'album.share-revoked' as const,
          body,
        })),
      );
      return { audience, changeId };
    });
    feed.announce(audience, changeId);
  }
}

export type AlbumSharingService = ReturnType<typeof createAlbumSharingService>;
