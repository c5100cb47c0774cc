import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, ApiError, call, type Album } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { Link, useViewerParam } from '../app/router.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { useLibrary, type LibraryItem } from '../timeline/library.tsx';
import { PhotoGrid } from '../timeline/PhotoGrid.tsx';
import { downloadOriginals, SelectionBar } from '../timeline/SelectionBar.tsx';
import { neighboursIn } from '../timeline/TimelinePage.tsx';
import { AlbumDialog, AlbumHead, type AlbumAction } from './AlbumParts.tsx';
import { removeFromAlbum } from './albums.tsx';
import './albums.css';

const Viewer = lazy(() => import('../viewer/Viewer.tsx'));
/** The heading's height on a wide screen; on a phone its buttons wrap and it grows (measured). */
const HEAD_HEIGHT = 112;

/** One album: its photos (with who added each when shared), rename, delete, sharing, and removing photos. */
export default function AlbumPage({ id }: { id: string }) {
  const { t, tn, locale } = useI18n();
  const library = useLibrary();
  const toast = useToast();
  const [album, setAlbum] = useState<Album | null>(null);
  const [photoIds, setPhotoIds] = useState<string[] | null>(null);
  const [addedBy, setAddedBy] = useState<Map<string, { accountId: string; name: string }>>(new Map());
  const me = useMe();
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<AlbumAction | null>(null);
  const [reloads, setReloads] = useState(0);
  const [viewing, setViewing] = useViewerParam();
  const [headHeight, setHeadHeight] = useState(HEAD_HEIGHT);

  useEffect(() => {
    let cancelled = false;
    Promise.all([
      call(api.GET('/albums/{id}', { params: { path: { id } } })),
      call(api.GET('/albums/{id}/photos', { params: { path: { id } } })),
    ])
      .then(([a, p]) => {
        if (cancelled) return;
        setAlbum(a);
        setPhotoIds(p.photoIds);
        setAddedBy(
          new Map(
            p.items.map((i) => [
              i.photoId,
              { accountId: i.addedBy.accountId, name: i.addedBy.displayName ?? i.addedBy.deviceName ?? '' },
            ]),
          ),
        );
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setError(err instanceof ApiError && err.status === 404 ? t('albums.notFound') : String(err));
      });
    return () => {
      cancelled = true;
    };
  }, [id, t, reloads]);

  // The timeline already knows most photos' shapes; others are laid out square.
  const items: LibraryItem[] = useMemo(
    () =>
      (photoIds ?? []).map(
        (photoId) =>
          library.get(photoId) ?? { id: photoId, ts: 0, taken: null, day: '', aspect: 1, trashedAt: null },
      ),
    [photoIds, library],
  );

  if (error) {
    return (
      <div className="empty" role="alert">
        <p>{error}</p>
        <Link href="/albums" className="button">
          {t('albums.back')}
        </Link>
      </div>
    );
  }
  if (!album || !photoIds) return <Spinner label={t('app.loading')} />;
  const owner = album.role === 'owner';
  const shared = !owner || album.memberCount > 0;
  const canRemove = album.role !== 'view';
  // In a shared album each photo says who put it there; a narrow photo (a phone) just says who.
  const badge = shared
    ? (item: LibraryItem) => {
        const who = addedBy.get(item.id);
        if (!who) return null;
        const mine = who.accountId === me.account.id;
        return (
          <>
            <span className="added-by__long">
              {mine ? t('share.addedByYou') : t('share.addedBy', { name: who.name })}
            </span>
            <span className="added-by__short">{mine ? t('share.addedByYouShort') : who.name}</span>
          </>
        );
      }
    : undefined;
  const remove = async () => {
    const ids = [...selection];
    try {
      const updated = await removeFromAlbum(album.id, ids);
      if (updated) setAlbum(updated);
      setPhotoIds((list) => (list ?? []).filter((x) => !selection.has(x)));
      setSelection(new Set());
      toast({ message: tn('toast.removedFromAlbum', ids.length) });
    } catch (err) {
      toast({
        tone: 'error',
        message: t('toast.failed', { reason: failureText({ t, locale }, err) }),
      });
    }
  };

  const head = (
    <AlbumHead album={album} minHeight={HEAD_HEIGHT} onHeight={setHeadHeight} onAction={setDialog} />
  );

  return (
    <div className="page page--grid">
      <SelectionBar
        count={selection.size}
        onClear={() => setSelection(new Set())}
        actions={[
          { icon: 'download', label: t('select.download'), run: () => downloadOriginals([...selection]) },
          ...(canRemove
            ? [
                {
                  icon: 'close' as const,
                  label: t('select.removeFromAlbum'),
                  run: () => void remove(),
                  tone: 'danger' as const,
                },
              ]
            : []),
        ]}
      />
      {items.length === 0 ? (
        <div className="page--scroll">
          {head}
          <div className="empty">
            <p>{t('albums.emptyAlbum')}</p>
          </div>
        </div>
      ) : (
        <PhotoGrid
          items={items}
          grouping="none"
          selection={selection}
          onSelectionChange={setSelection}
          onOpen={setViewing}
          badge={badge}
          header={head}
          headerHeight={headHeight}
          label={album.name}
        />
      )}
      {viewing ? (
        <Suspense fallback={null}>
          <Viewer
            id={viewing}
            neighbours={neighboursIn(items)}
            onNavigate={setViewing}
            onClose={() => setViewing(null)}
          />
        </Suspense>
      ) : null}
      {dialog ? (
        <AlbumDialog
          dialog={dialog}
          album={album}
          onAlbum={setAlbum}
          onClose={(changed) => {
            setDialog(null);
            if (changed) setReloads((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}
