import { lazy, Suspense, useCallback, useState } from 'react';
import { useViewerParam } from '../app/router.tsx';
import { Icon } from '../components/Icon.tsx';
import { useToast } from '../components/Toasts.tsx';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useUploads } from '../upload/Uploads.tsx';
import { restorePhotos, trashPhotos } from './actions.tsx';
import { useLibrary, type LibraryItem } from './library.tsx';
import { PhotoGrid } from './PhotoGrid.tsx';
import { downloadOriginals, SelectionBar } from './SelectionBar.tsx';

const Viewer = lazy(() => import('../viewer/Viewer.tsx'));
const AddToAlbumDialog = lazy(() => import('../albums/AddToAlbumDialog.tsx'));

const HEAD_HEIGHT = 92;

/** Neighbours of `id` in a list, for the viewer's previous / next. */
export function neighboursIn(items: readonly LibraryItem[]) {
  return (id: string) => {
    const index = items.findIndex((item) => item.id === id);
    return {
      previous: index > 0 ? (items[index - 1]?.id ?? null) : null,
      next: index >= 0 && index < items.length - 1 ? (items[index + 1]?.id ?? null) : null,
    };
  };
}

/** Every photo, newest first, by month and day. */
export function TimelinePage() {
  const { t, tn, locale } = useI18n();
  const library = useLibrary();
  const uploads = useUploads();
  const toast = useToast();
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [viewing, setViewing] = useViewerParam();
  const [reveal, setReveal] = useState<string | null>(null);
  const [picking, setPicking] = useState<string[] | null>(null);

  const moveToTrash = useCallback(
    async (ids: string[]) => {
      const { done, errors } = await trashPhotos(ids);
      library.remove(new Set(done.map((p) => p.id)));
      setSelection(new Set());
      if (done.length > 0) {
        toast({
          message: tn('toast.trashed', done.length),
          action: {
            label: t('toast.undo'),
            run: () => {
              void restorePhotos(done.map((p) => p.id)).then((back) => library.insert(back.done));
            },
          },
        });
      }
      if (errors.length > 0)
        toast({
          tone: 'error',
          message: t('toast.failed', { reason: failureText({ t, locale }, errors[0]) }),
        });
    },
    [library, toast, t, tn],
  );

  const ids = [...selection];
  const head = (
    <div className="page-head page-head--stack page-head--timeline" style={{ height: HEAD_HEIGHT }}>
      <h1>{t('timeline.title')}</h1>
      <p className="page-head__meta" aria-live="polite">
        {library.complete ? tn('timeline.count', library.items.length) : t('timeline.loadingMore')}
      </p>
    </div>
  );

  let body;
  if (library.error && library.items.length === 0) {
    body = (
      <div className="empty" role="alert">
        <p>{t('timeline.loadFailed', { reason: library.error })}</p>
        <button type="button" className="button" onClick={library.reload}>
          {t('app.retry')}
        </button>
      </div>
    );
  } else if (library.complete && library.items.length === 0) {
    body = (
      <div className="empty">
        <div className="empty__art" aria-hidden="true">
          <Icon name="photos" width={40} height={40} />
        </div>
        <h1>{t('timeline.empty.title')}</h1>
        <p>{t('timeline.empty.body')}</p>
        <button type="button" className="button button--primary" onClick={uploads.openPicker}>
          <Icon name="upload" />
          {t('timeline.empty.choose')}
        </button>
      </div>
    );
  } else {
    body = (
      <PhotoGrid
        items={library.items}
        grouping="day"
        selection={selection}
        onSelectionChange={setSelection}
        onOpen={setViewing}
        header={head}
        headerHeight={HEAD_HEIGHT}
        footer={library.complete ? undefined : <span className="spinner__dot" aria-hidden="true" />}
        scrubber
        label={t('timeline.title')}
        reveal={reveal}
      />
    );
  }

  return (
    <div className="page page--grid">
      <SelectionBar
        count={selection.size}
        onClear={() => setSelection(new Set())}
        actions={[
          { icon: 'albums', label: t('select.addToAlbum'), run: () => setPicking(ids) },
          { icon: 'download', label: t('select.download'), run: () => downloadOriginals(ids) },
          { icon: 'trash', label: t('select.trash'), run: () => void moveToTrash(ids), tone: 'danger' },
        ]}
      />
      {body}
      {viewing ? (
        <Suspense fallback={null}>
          <Viewer
            id={viewing}
            neighbours={neighboursIn(library.items)}
            onNavigate={setViewing}
            onClose={() => {
              setReveal(viewing);
              setViewing(null);
            }}
            onTrash={(id) => void moveToTrash([id])}
          />
        </Suspense>
      ) : null}
      {picking ? (
        <Suspense fallback={null}>
          <AddToAlbumDialog
            photoIds={picking}
            onClose={() => setPicking(null)}
            onDone={(album) => {
              setPicking(null);
              setSelection(new Set());
              toast({ message: t('toast.addedToAlbum', { album: album.name }) });
            }}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
