import type { Photo } from '@shoebox/shared';
import { download } from './download.ts';
import { trace, type SyncSession } from './session.ts';

/** More new photos than this in one wake-up are a burst: the feed fetches those, several at a time. */
export const HINTED_MAX = 4;

/**
 * Photos that the server's hints described (new uploads from other devices) are fetched at once, before the
 * feed page that lists them is read: that round trip no longer sits between the upload and this folder. The feed
 * is read right after and stays the source of truth: it finds these files recorded and leaves them be. Anything
 * not plainly new here (known by id or content in any state, trashed) is left to it, and so is any failure.
 */
export async function fetchHinted(s: SyncSession, photos: readonly Photo[]): Promise<void> {
  await Promise.all(
    photos.map(async (photo) => {
      if (photo.status !== 'active' || s.state.byPhoto(photo.id) || s.state.bySha(photo.sha256)) return;
      try {
        const rel = await download(s, photo);
        s.report.downloaded++;
        s.note(`downloaded ${rel}`);
      } catch (err) {
        trace(s, `hinted download failed, left to the feed: ${(err as Error).message}`);
      }
    }),
  );
}
