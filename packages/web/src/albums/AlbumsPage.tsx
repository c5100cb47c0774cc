import { useCallback, useEffect, useState } from 'react';
import { api, call, eachLimited, mediaUrl, type Album } from '../api/client.tsx';
import { Link, navigate } from '../app/router.tsx';
import { NameDialog } from '../components/Dialogs.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import './albums.css';

/** All albums as cards, each with its first photo as the cover. */
export default function AlbumsPage() {
  const { t, tn } = useI18n();
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [covers, setCovers] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    try {
      const list = (await call(api.GET('/albums'))).items;
      setAlbums(list);
      const found: Record<string, string> = {};
      await eachLimited(list.filter((a) => a.photoCount > 0).slice(0, 60), 4, async (album) => {
        const { photoIds } = await call(
          api.GET('/albums/{id}/photos', { params: { path: { id: album.id } } }),
        );
        if (photoIds[0]) found[album.id] = photoIds[0];
      });
      setCovers(found);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page page--scroll">
      <div className="page-head">
        <h1>{t('albums.title')}</h1>
        <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
          <Icon name="plus" />
          {t('albums.new')}
        </button>
      </div>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      {albums === null && !error ? <Spinner label={t('app.loading')} /> : null}
      {albums?.length === 0 ? (
        <div className="empty">
          <div className="empty__art" aria-hidden="true">
            <Icon name="albums" width={40} height={40} />
          </div>
          <h2>{t('albums.empty.title')}</h2>
          <p>{t('albums.empty.body')}</p>
        </div>
      ) : null}
      {albums && albums.length > 0 ? (
        <ul className="album-grid">
          {albums.map((album) => {
            const cover = covers[album.id];
            return (
              <li key={album.id}>
                <Link href={`/albums/${encodeURIComponent(album.id)}`} className="album-card">
                  <span className="album-card__cover">
                    {cover ? (
                      <img src={mediaUrl(cover, 'thumbnail')} alt="" loading="lazy" />
                    ) : (
                      <Icon name="albums" width={32} height={32} />
                    )}
                  </span>
                  <span className="album-card__name">{album.name}</span>
                  <span className="album-card__count">{tn('albums.count', album.photoCount)}</span>
                  {album.role !== 'owner' ? (
                    <span className="album-card__shared">
                      {t('share.sharedBy', {
                        name: album.owner.displayName,
                        role: t(`share.role.${album.role}`),
                      })}
                    </span>
                  ) : album.memberCount > 0 ? (
                    <span className="album-card__shared">{tn('share.sharedWith', album.memberCount)}</span>
                  ) : null}
                </Link>
              </li>
            );
          })}
        </ul>
      ) : null}
      {creating ? (
        <NameDialog
          title={t('albums.new')}
          label={t('albums.name')}
          submitLabel={t('albums.create')}
          onClose={() => setCreating(false)}
          onSubmit={async (name) => {
            const album = await call(api.POST('/albums', { body: { name } }));
            setCreating(false);
            navigate(`/albums/${encodeURIComponent(album.id)}`);
          }}
        />
      ) : null}
    </div>
  );
}
