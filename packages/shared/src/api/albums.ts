import { z } from 'zod';

export const Album = z
  .object({
    id: z.string(),
    name: z.string(),
    photoCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Album' });
export type Album = z.infer<typeof Album>;

export const AlbumName = z.string().trim().min(1).max(200);
export const CreateAlbumRequest = z.object({ name: AlbumName }).meta({ id: 'CreateAlbumRequest' });
export const RenameAlbumRequest = z.object({ name: AlbumName }).meta({ id: 'RenameAlbumRequest' });
export const AlbumPhotosRequest = z
  .object({ photoIds: z.array(z.string().min(1).max(64)).min(1).max(1000) })
  .meta({ id: 'AlbumPhotosRequest' });
export const AlbumList = z.object({ items: z.array(Album) }).meta({ id: 'AlbumList' });
export const AlbumPhotosResult = z
  .object({ changed: z.number().int(), album: Album })
  .meta({ id: 'AlbumPhotosResult' });
