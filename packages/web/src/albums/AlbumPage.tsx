import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, ApiError, call, type Album } from '../api/client.tsx';
import { Link, navigate, useViewerParam } from '../app/router.tsx';
import { ConfirmDialog, NameDialog } from '../components/Dialogs.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLibrary, type LibraryItem } from '../timeline/library.tsx';
import { PhotoGrid } from '../timeline/PhotoGrid.tsx';
import { downloadOriginals, SelectionBar } from '../timeline/SelectionBar.tsx';
import { neighboursIn } from '../timeline/TimelinePage.tsx';
import { removeFromAlbum } from './albums.tsx';

const Viewer = lazy(() => import('../viewer/Viewer.tsx'));
const HEAD_HEIGHT = 112;

/** One album: its photos, rename, delete, and removing photos from it. */
export default function AlbumPage({ id }: { id: string }) {
  const { t, tn } = useI18n();
  const library = useLibrary();
  const toast = useToast();
  const [album, setAlbum] = useState<Album | null>(null);
  const [photoIds, setPhotoIds] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [viewing, setViewing] = useViewerParam();

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
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setError(err instanceof ApiError && err.status === 404 ? t('albums.notFound') : String(err));
      });
    return () => {
      cancelled = true;
    };
  }, [id, t]);

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
        message: t('toast.failed', { reason: err instanceof Error ? err.message : String(err) }),
      });
    }
  };

  const head = (
    <div className="page-head page-head--album" style={{ height: HEAD_HEIGHT }}>
      <div>
        <Link href="/albums" className="back-link">
          <Icon name="back" width={16} height={16} />
          {t('albums.back')}
        </Link>
        <h1>{album.name}</h1>
        <p className="page-head__meta">{tn('albums.count', album.photoCount)}</p>
      </div>
      <div className="page-head__actions">
        <button type="button" className="button" onClick={() => setDialog('rename')}>
          <Icon name="edit" />
          {t('albums.rename')}
        </button>
        <button type="button" className="button button--danger" onClick={() => setDialog('delete')}>
          <Icon name="trash" />
          {t('albums.delete')}
        </button>
      </div>
    </div>
  );

  return (
    <div className="page page--grid">
      <SelectionBar
        count={selection.size}
        onClear={() => setSelection(new Set())}
        actions={[
          { icon: 'download', label: t('select.download'), run: () => downloadOriginals([...selection]) },
          { icon: 'close', label: t('select.removeFromAlbum'), run: () => void remove(), tone: 'danger' },
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
          header={head}
          headerHeight={HEAD_HEIGHT}
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
      {dialog === 'rename' ? (
        <NameDialog
          title={t('albums.renameTitle')}
          label={t('albums.name')}
          initial={album.name}
          submitLabel={t('common.save')}
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            setAlbum(
              await call(api.PATCH('/albums/{id}', { params: { path: { id: album.id } }, body: { name } })),
            );
            setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'delete' ? (
        <ConfirmDialog
          title={t('albums.deleteTitle', { name: album.name })}
          body={t('albums.deleteBody')}
          confirmLabel={t('common.delete')}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await call(api.DELETE('/albums/{id}', { params: { path: { id: album.id } } }));
            navigate('/albums', { replace: true });
          }}
        />
      ) : null}
    </div>
  );
}
