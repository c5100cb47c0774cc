import { z } from 'zod';
import { shownName } from './common.ts';

/** An account as other members of a shared album see it. */
export const AccountRef = z
  .object({ accountId: z.string(), email: z.string(), displayName: z.string() })
  .meta({ id: 'AccountRef' });
export type AccountRef = z.infer<typeof AccountRef>;

/** What the caller may do with an album: its owner, or a member with view or contribute rights. */
export const AlbumRole = z.enum(['owner', 'view', 'contribute']);
export type AlbumRole = z.infer<typeof AlbumRole>;
export const ShareRole = z.enum(['view', 'contribute']);

export const Album = z
  .object({
    id: z.string(),
    name: z.string(),
    photoCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    owner: AccountRef,
    /** The caller's right: `owner`, or the role it was shared with. */
    role: AlbumRole,
    /** How many accounts besides the owner it is shared with. */
    memberCount: z.number().int(),
  })
  .meta({ id: 'Album' });
export type Album = z.infer<typeof Album>;

export const AlbumName = shownName(200);
export const CreateAlbumRequest = z.object({ name: AlbumName }).meta({ id: 'CreateAlbumRequest' });
export const RenameAlbumRequest = z.object({ name: AlbumName }).meta({ id: 'RenameAlbumRequest' });
export const AlbumPhotosRequest = z
  .object({ photoIds: z.array(z.string().min(1).max(64)).min(1).max(1000) })
  .meta({ id: 'AlbumPhotosRequest' });
export const AlbumList = z.object({ items: z.array(Album) }).meta({ id: 'AlbumList' });
export const AlbumPhotosResult = z
  .object({ changed: z.number().int(), album: Album })
  .meta({ id: 'AlbumPhotosResult' });

/** One photo of an album and who put it there: the account, device and session of the addition. */
export const AlbumPhoto = z
  .object({
    photoId: z.string(),
    addedAt: z.string(),
    addedBy: z.object({
      accountId: z.string(),
      displayName: z.string().nullable(),
      deviceId: z.string().nullable(),
      deviceName: z.string().nullable(),
      sessionId: z.string().nullable(),
    }),
    /** The photo's owner; differs from the caller for photos shared in by someone else. */
    ownerAccountId: z.string(),
  })
  .meta({ id: 'AlbumPhoto' });
export type AlbumPhoto = z.infer<typeof AlbumPhoto>;
export const AlbumPhotoList = z
  .object({ photoIds: z.array(z.string()), items: z.array(AlbumPhoto) })
  .meta({ id: 'AlbumPhotoList' });

export const AlbumMember = z
  .object({
    accountId: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: ShareRole,
    grantedAt: z.string(),
  })
  .meta({ id: 'AlbumMember' });
export type AlbumMember = z.infer<typeof AlbumMember>;
export const AlbumMembers = z
  .object({ owner: AccountRef, items: z.array(AlbumMember) })
  .meta({ id: 'AlbumMembers' });
export type AlbumMembers = z.infer<typeof AlbumMembers>;
export const ShareAlbumRequest = z
  .object({ email: z.string().trim().min(3).max(254), role: ShareRole.default('view') })
  .meta({ id: 'ShareAlbumRequest' });
