import { lazy, Suspense } from 'react';
import { api, call, type Album } from '../api/client.tsx';
import { Link, navigate } from '../app/router.tsx';
import { ConfirmDialog, NameDialog } from '../components/Dialogs.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { useMeasuredHeight } from '../components/useMeasuredHeight.ts';

const ShareDialog = lazy(() => import('./ShareDialog.tsx'));

export type AlbumAction = 'rename' | 'delete' | 'share' | 'leave';

/**
 * An album's heading: name, count, who it is shared with or by, and what the caller's role lets them do. It is at
 * least `minHeight` tall and grows when its contents wrap (a phone); `onHeight` hears its height as it changes.
 */
export function AlbumHead(props: {
  album: Album;
  minHeight: number;
  onHeight?: (height: number) => void;
  onAction: (action: AlbumAction) => void;
}) {
  const { t, tn } = useI18n();
  const { album, onAction, onHeight } = props;
  const root = useMeasuredHeight<HTMLDivElement>(onHeight);
  const owner = album.role === 'owner';
  const sharing = owner
    ? album.memberCount > 0
      ? tn('share.sharedWith', album.memberCount)
      : null
    : t('share.sharedBy', { name: album.owner.displayName, role: t(`share.role.${album.role}`) });
  return (
    <div ref={root} className="page-head page-head--album" style={{ minHeight: props.minHeight }}>
      <div>
        <Link href="/albums" className="back-link">
          <Icon name="back" width={16} height={16} />
          {t('albums.back')}
        </Link>
        <h1>{album.name}</h1>
        <p className="page-head__meta" data-testid="album-meta">
          {[tn('albums.count', album.photoCount), sharing].filter(Boolean).join(' · ')}
        </p>
      </div>
      <div className="page-head__actions">
        <button type="button" className="button" onClick={() => onAction('share')}>
          <Icon name="users" />
          {owner ? t('share.share') : t('share.members')}
        </button>
        {owner ? (
          <>
            <button type="button" className="button" onClick={() => onAction('rename')}>
              <Icon name="edit" />
              {t('albums.rename')}
            </button>
            <button type="button" className="button button--danger" onClick={() => onAction('delete')}>
              <Icon name="trash" />
              {t('albums.delete')}
            </button>
          </>
        ) : (
          <button type="button" className="button button--danger" onClick={() => onAction('leave')}>
            <Icon name="signOut" />
            {t('share.leave')}
          </button>
        )}
      </div>
    </div>
  );
}

/** The dialog of one album action; `onClose(true)` when the album or its members changed. */
export function AlbumDialog(props: {
  dialog: AlbumAction;
  album: Album;
  onAlbum: (album: Album) => void;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useI18n();
  const me = useMe();
  const { album, onClose } = props;
  switch (props.dialog) {
    case 'rename':
      return (
        <NameDialog
          title={t('albums.renameTitle')}
          label={t('albums.name')}
          initial={album.name}
          submitLabel={t('common.save')}
          onClose={() => onClose(false)}
          onSubmit={async (name) => {
            props.onAlbum(
              await call(api.PATCH('/albums/{id}', { params: { path: { id: album.id } }, body: { name } })),
            );
            onClose(false);
          }}
        />
      );
    case 'share':
      return (
        <Suspense fallback={null}>
          <ShareDialog album={album} onClose={onClose} />
        </Suspense>
      );
    case 'leave':
      return (
        <ConfirmDialog
          title={t('share.leaveTitle', { name: album.name })}
          body={t('share.leaveBody')}
          confirmLabel={t('share.leave')}
          onClose={() => onClose(false)}
          onConfirm={async () => {
            await call(
              api.DELETE('/albums/{id}/members/{accountId}', {
                params: { path: { id: album.id, accountId: me.account.id } },
              }),
            );
            navigate('/albums', { replace: true });
          }}
        />
      );
    case 'delete':
      return (
        <ConfirmDialog
          title={t('albums.deleteTitle', { name: album.name })}
          body={t('albums.deleteBody')}
          confirmLabel={t('common.delete')}
          onClose={() => onClose(false)}
          onConfirm={async () => {
            await call(api.DELETE('/albums/{id}', { params: { path: { id: album.id } } }));
            navigate('/albums', { replace: true });
          }}
        />
      );
  }
}
