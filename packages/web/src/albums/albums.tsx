import { api, call, type Album } from '../api/client.tsx';

const CHUNK = 1000;

/** Adds photos to an album, in the API's batches of at most 1000. */
export async function addToAlbum(albumId: string, photoIds: readonly string[]): Promise<Album> {
  let album: Album | null = null;
  for (let i = 0; i < photoIds.length; i += CHUNK) {
    const batch = photoIds.slice(i, i + CHUNK);
    const result = await call(
      api.POST('/albums/{id}/photos', { params: { path: { id: albumId } }, body: { photoIds: batch } }),
    );
    album = result.album;
  }
  if (!album) throw new Error('no photos to add');
  return album;
}

export async function removeFromAlbum(albumId: string, photoIds: readonly string[]): Promise<Album | null> {
  let album: Album | null = null;
  for (let i = 0; i < photoIds.length; i += CHUNK) {
    const batch = photoIds.slice(i, i + CHUNK);
    const result = await call(
      api.DELETE('/albums/{id}/photos', { params: { path: { id: albumId } }, body: { photoIds: batch } }),
    );
    album = result.album;
  }
  return album;
}
