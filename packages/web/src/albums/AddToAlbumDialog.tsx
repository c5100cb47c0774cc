import { useEffect, useId, useState } from 'react';
import { api, call, type Album } from '../api/client.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { addToAlbum } from './albums.tsx';

/** Picks an album (or names a new one) for the selected photos. */
export default function AddToAlbumDialog(props: {
  photoIds: string[];
  onClose: () => void;
  onDone: (album: Album) => void;
}) {
  const { t, tn } = useI18n();
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();

  useEffect(() => {
    call(api.GET('/albums'))
      .then((list) => setAlbums(list.items))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  const run = async (target: () => Promise<Album>) => {
    setBusy(true);
    setError(null);
    try {
      const album = await target();
      props.onDone(await addToAlbum(album.id, props.photoIds));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const createAndAdd = () => {
    if (!name.trim()) return;
    void run(() => call(api.POST('/albums', { body: { name: name.trim() } })));
  };

  return (
    <Dialog
      title={t('albums.pickTitle', { count: props.photoIds.length })}
      onClose={props.onClose}
      onSubmit={createAndAdd}
      actions={
        <button type="button" className="button" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
      }
    >
      {albums && albums.length > 0 ? (
        <ul className="album-picker">
          {albums.map((album) => (
            <li key={album.id}>
              <button
                type="button"
                className="album-picker__item"
                disabled={busy}
                onClick={() => void run(() => Promise.resolve(album))}
              >
                <Icon name="albums" />
                <span className="album-picker__name">{album.name}</span>
                <span className="album-picker__count">{tn('albums.count', album.photoCount)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="field">
        <label htmlFor={nameId}>{albums && albums.length > 0 ? t('albums.pickNew') : t('albums.name')}</label>
        <div className="field__row">
          <input id={nameId} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
            <Icon name="plus" />
            {t('albums.create')}
          </button>
        </div>
      </div>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
