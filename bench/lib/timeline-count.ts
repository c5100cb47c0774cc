import type { PhotoPage } from '@shoebox/shared';
import type { TestClient } from '../../packages/server/test/support/api.ts';

/** Photos on the account's timeline, following the cursors to the end. */
export async function timelineCount(client: TestClient): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await client.get<PhotoPage>(`/api/photos?limit=500${query}`);
    n += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return n;
}
