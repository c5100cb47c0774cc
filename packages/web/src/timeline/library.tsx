import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api, call, type Photo, type Schemas } from '../api/client.tsx';
import { localDayKey } from '../i18n/format.ts';
import type { LayoutItem } from './layout.ts';

/** What the timeline keeps per photo: a few numbers, not the whole Photo, so 100,000 of them stay light. */
export interface LibraryItem extends LayoutItem {
  id: string;
  /** sortTime in epoch ms: the timeline's order (newest first, then id descending, as the server pages). */
  ts: number;
  /** The camera's wall-clock capture time, when the file has one. */
  taken: string | null;
  trashedAt: string | null;
}

export function toLibraryItem(photo: Photo): LibraryItem {
  const rotated = photo.orientation !== null && photo.orientation >= 5 && photo.orientation <= 8;
  const w = rotated ? photo.height : photo.width;
  const h = rotated ? photo.width : photo.height;
  const ts = Date.parse(photo.sortTime);
  return {
    id: photo.id,
    ts,
    taken: photo.captureTime,
    day: photo.captureTime ? photo.captureTime.slice(0, 10) : localDayKey(new Date(ts)),
    aspect: w && h ? w / h : 1,
    trashedAt: photo.trashedAt,
  };
}

/** The photos of one `GET /api/timeline` page: its column arrays turned into items. */
export function timelineItems(page: Schemas['TimelinePage']): LibraryItem[] {
  return page.ids.map((id, i) => {
    const ts = page.sortTimes[i] ?? 0;
    const offset = page.wallOffsets[i] ?? null;
    const o = page.orientations[i] ?? null;
    const rotated = o !== null && o >= 5 && o <= 8;
    const w = (rotated ? page.heights[i] : page.widths[i]) ?? null;
    const h = (rotated ? page.widths[i] : page.heights[i]) ?? null;
    // The wall-clock time is the sort time shifted by the camera's offset; without one the upload time is local.
    const taken = offset === null ? null : new Date(ts + offset * 60_000).toISOString().slice(0, 19);
    return {
      id,
      ts,
      taken,
      day: taken ? taken.slice(0, 10) : localDayKey(new Date(ts)),
      aspect: w && h ? w / h : 1,
      trashedAt: null,
    };
  });
}

/** Newest first; ties broken by id descending, the server's order. */
export function compareItems(a: LibraryItem, b: LibraryItem): number {
  if (a.ts !== b.ts) return b.ts - a.ts;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Appends a page; re-sorts only in the rare case that a local insert landed beyond the loaded pages. */
function appendInOrder(list: LibraryItem[], page: LibraryItem[]): LibraryItem[] {
  const last = list[list.length - 1];
  const first = page[0];
  const merged = list.concat(page);
  return last && first && compareItems(last, first) > 0 ? merged.sort(compareItems) : merged;
}

export interface PagedPhotos {
  items: LibraryItem[];
  complete: boolean;
  error: string | null;
  insert: (photos: readonly Photo[]) => void;
  remove: (ids: ReadonlySet<string>) => void;
  get: (id: string) => LibraryItem | undefined;
  reload: () => void;
}

const FIRST_PAGE = 200;
const PAGE = 1000;
/** `GET /api/timeline` pages: ~80 bytes a photo, so 10,000 a page keeps a 100,000-photo library to ten requests. */
const TIMELINE_PAGE = 10_000;
const FLUSH_MS = 400;

/**
 * Loads every page of `GET /api/timeline` (active) or `GET /api/photos?status=trashed` in the background, first a small page for a fast first paint, then
 * large ones. The list can be edited locally (uploads, trash) while it loads; ids already present are skipped.
 */
export function usePagedPhotos(status: 'active' | 'trashed'): PagedPhotos {
  const [items, setItems] = useState<LibraryItem[]>([]);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const known = useRef(new Set<string>());

  useEffect(() => {
    let cancelled = false;
    known.current = new Set();
    setItems([]);
    setComplete(false);
    setError(null);
    // Pages are appended in batches, at most every FLUSH_MS, so a 100,000-photo library is laid out a few
    // dozen times while it loads rather than once per page.
    let buffer: LibraryItem[] = [];
    let flushedAt = 0;
    const flush = () => {
      const batch = buffer;
      buffer = [];
      flushedAt = performance.now();
      if (batch.length > 0) setItems((list) => appendInOrder(list, batch));
    };
    (async () => {
      let cursor: string | undefined;
      let limit = FIRST_PAGE;
      for (;;) {
        // The active timeline comes from the compact column endpoint; the trash needs trashedAt, so full records.
        const page =
          status === 'active'
            ? await call(api.GET('/timeline', { params: { query: { limit, cursor } } })).then((p) => ({
                items: timelineItems(p),
                nextCursor: p.nextCursor,
              }))
            : await call(api.GET('/photos', { params: { query: { status, limit, cursor } } })).then((p) => ({
                items: p.items.map(toLibraryItem),
                nextCursor: p.nextCursor,
              }));
        if (cancelled) return;
        for (const item of page.items) {
          if (known.current.has(item.id)) continue;
          known.current.add(item.id);
          buffer.push(item);
        }
        if (!page.nextCursor) break;
        if (limit === FIRST_PAGE || performance.now() - flushedAt > FLUSH_MS) flush();
        cursor = page.nextCursor;
        limit = status === 'active' ? TIMELINE_PAGE : PAGE;
      }
      flush();
      setComplete(true);
    })().catch((err: unknown) => {
      if (!cancelled) setError(err instanceof Error ? err.message : String(err));
    });
    return () => {
      cancelled = true;
    };
  }, [status, generation]);

  const insert = useCallback(
    (photos: readonly Photo[]) => {
      const fresh = photos.filter((p) => p.status === status && !known.current.has(p.id)).map(toLibraryItem);
      if (fresh.length === 0) return;
      for (const item of fresh) known.current.add(item.id);
      setItems((list) => {
        const next = list.slice();
        for (const item of fresh) {
          let lo = 0;
          let hi = next.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (compareItems(next[mid] as LibraryItem, item) < 0) lo = mid + 1;
            else hi = mid;
          }
          next.splice(lo, 0, item);
        }
        return next;
      });
    },
    [status],
  );

  const remove = useCallback((ids: ReadonlySet<string>) => {
    for (const id of ids) known.current.delete(id);
    setItems((list) => list.filter((item) => !ids.has(item.id)));
  }, []);

  // Built on first use only (albums look photos up; the timeline never does).
  const index = useRef<{ items: LibraryItem[]; byId: Map<string, LibraryItem> } | null>(null);
  const get = useCallback(
    (id: string) => {
      if (index.current?.items !== items) {
        index.current = { items, byId: new Map(items.map((item) => [item.id, item])) };
      }
      return index.current.byId.get(id);
    },
    [items],
  );
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return useMemo(
    () => ({ items, complete, error, insert, remove, get, reload }),
    [items, complete, error, insert, remove, get, reload],
  );
}

const LibraryContext = createContext<PagedPhotos | null>(null);

/** The active timeline, loaded once per session and kept while the person moves between pages. */
export function LibraryProvider({ children }: { children: ReactNode }) {
  const library = usePagedPhotos('active');
  return <LibraryContext.Provider value={library}>{children}</LibraryContext.Provider>;
}

export function useLibrary(): PagedPhotos {
  const value = useContext(LibraryContext);
  if (!value) throw new Error('useLibrary() outside <LibraryProvider>');
  return value;
}
