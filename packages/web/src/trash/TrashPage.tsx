import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { api, call } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { useViewerParam } from '../app/router.tsx';
import { ConfirmDialog } from '../components/Dialogs.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { deletePhotos, restorePhotos } from '../timeline/actions.tsx';
import { useLibrary, usePagedPhotos, type LibraryItem } from '../timeline/library.tsx';
import { PhotoGrid } from '../timeline/PhotoGrid.tsx';
import { SelectionBar } from '../timeline/SelectionBar.tsx';
import { neighboursIn } from '../timeline/TimelinePage.tsx';
import './trash.css';
import { useMeasuredHeight } from '../components/useMeasuredHeight.ts';

const Viewer = lazy(() => import('../viewer/Viewer.tsx'));
/** Until the server says (GET /api/server `trashDays`, from TRASH_DAYS), its default. */
const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 3600e3;
/** The heading's height on a wide screen; on a phone its note and button wrap and it grows (measured). */
const HEAD_HEIGHT = 112;

export function daysLeft(
  trashedAt: string | null,
  retentionDays = DEFAULT_RETENTION_DAYS,
  now = Date.now(),
): number {
  if (!trashedAt) return retentionDays;
  const days = Math.floor((now - Date.parse(trashedAt)) / DAY_MS);
  return Math.max(0, retentionDays - days);
}

/**
 * The trash's heading: at least `minHeight` tall, growing when its contents wrap (a phone); `onHeight` hears its
 * height as it changes, so the grid below starts under it rather than over it.
 */
function TrashHead(props: { minHeight: number; onHeight: (height: number) => void; children: ReactNode }) {
  const { onHeight } = props;
  const root = useMeasuredHeight<HTMLDivElement>(onHeight);
  return (
    <div ref={root} className="page-head page-head--trash" style={{ minHeight: props.minHeight }}>
      {props.children}
    </div>
  );
}

/** Trashed photos with the days each has left; restore, delete for good, or empty the trash. */
export default function TrashPage() {
  const { t, tn, locale } = useI18n();
  const trash = usePagedPhotos('trashed');
  const library = useLibrary();
  const toast = useToast();
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<'empty' | 'delete' | null>(null);
  const [viewing, setViewing] = useViewerParam();
  const [retentionDays, setRetentionDays] = useState(DEFAULT_RETENTION_DAYS);
  const [headHeight, setHeadHeight] = useState(HEAD_HEIGHT);
  useEffect(() => {
    call(api.GET('/server'))
      .then((info) => setRetentionDays(info.trashDays ?? DEFAULT_RETENTION_DAYS))
      .catch(() => undefined);
  }, []);

  const restore = async (ids: string[]) => {
    const { done, errors } = await restorePhotos(ids);
    trash.remove(new Set(done.map((p) => p.id)));
    library.insert(done);
    setSelection(new Set());
    if (done.length > 0) toast({ message: tn('toast.restored', done.length) });
    if (errors.length > 0)
      toast({ tone: 'error', message: t('toast.failed', { reason: failureText({ t, locale }, errors[0]) }) });
  };

  const badge = (item: LibraryItem) => tn('photo.daysLeft', daysLeft(item.trashedAt, retentionDays));

  const head = (
    <TrashHead minHeight={HEAD_HEIGHT} onHeight={setHeadHeight}>
      <div>
        <h1>{t('trash.title')}</h1>
        <p className="page-head__meta">{t('trash.note')}</p>
      </div>
      <button
        type="button"
        className="button button--danger"
        disabled={trash.items.length === 0}
        onClick={() => setConfirm('empty')}
      >
        <Icon name="trash" />
        {t('trash.emptyTrash')}
      </button>
    </TrashHead>
  );

  let body;
  if (trash.error) {
    body = (
      <p className="form__error" role="alert">
        {trash.error}
      </p>
    );
  } else if (!trash.complete && trash.items.length === 0) {
    body = <Spinner label={t('app.loading')} />;
  } else if (trash.items.length === 0) {
    body = (
      <div className="page--scroll">
        {head}
        <div className="empty">
          <div className="empty__art" aria-hidden="true">
            <Icon name="trash" width={40} height={40} />
          </div>
          <h2>{t('trash.empty.title')}</h2>
          <p>{t('trash.empty.body')}</p>
        </div>
      </div>
    );
  } else {
    body = (
      <PhotoGrid
        items={trash.items}
        grouping="none"
        selection={selection}
        onSelectionChange={setSelection}
        onOpen={setViewing}
        badge={badge}
        header={head}
        headerHeight={headHeight}
        label={t('trash.title')}
      />
    );
  }

  return (
    <div className="page page--grid">
      <SelectionBar
        count={selection.size}
        onClear={() => setSelection(new Set())}
        actions={[
          { icon: 'restore', label: t('select.restore'), run: () => void restore([...selection]) },
          {
            icon: 'trash',
            label: t('select.deleteForever'),
            run: () => setConfirm('delete'),
            tone: 'danger',
          },
        ]}
      />
      {body}
      {viewing ? (
        <Suspense fallback={null}>
          <Viewer
            id={viewing}
            neighbours={neighboursIn(trash.items)}
            onNavigate={setViewing}
            onClose={() => setViewing(null)}
          />
        </Suspense>
      ) : null}
      {confirm === 'empty' ? (
        <ConfirmDialog
          title={t('trash.emptyTitle')}
          body={tn('trash.emptyBody', trash.items.length)}
          confirmLabel={t('trash.emptyTrash')}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const { deleted } = await call(api.POST('/trash/empty'));
            setConfirm(null);
            setSelection(new Set());
            trash.reload();
            toast({ message: tn('toast.deleted', deleted) });
          }}
        />
      ) : null}
      {confirm === 'delete' ? (
        <ConfirmDialog
          title={tn('trash.deleteTitle', selection.size)}
          body={t('trash.deleteBody')}
          confirmLabel={t('select.deleteForever')}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const { done, errors } = await deletePhotos([...selection]);
            trash.remove(new Set(done));
            setSelection(new Set());
            setConfirm(null);
            if (done.length > 0) toast({ message: tn('toast.deleted', done.length) });
            if (errors.length > 0)
              toast({
                tone: 'error',
                message: t('toast.failed', { reason: failureText({ t, locale }, errors[0]) }),
              });
          }}
        />
      ) : null}
    </div>
  );
}
