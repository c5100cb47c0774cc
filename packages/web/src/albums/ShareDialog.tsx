import { useCallback, useEffect, useId, useState } from 'react';
import { api, call, type Album, type Schemas } from '../api/client.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Members = Schemas['AlbumMembers'];
type ShareRole = 'view' | 'contribute';
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Who an album is shared with. The owner adds people by e-mail (view or contribute), changes their role and
 * stops sharing; a member sees the same list read-only.
 */
export default function ShareDialog({
  album,
  onClose,
}: {
  album: Album;
  onClose: (changed: boolean) => void;
}) {
  const { t, fmt } = useI18n();
  const [members, setMembers] = useState<Members | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ShareRole>('view');
  const [error, setError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [changed, setChanged] = useState(false);
  const emailId = useId();
  const roleId = useId();
  const owner = album.role === 'owner';
  const path = { params: { path: { id: album.id } } };

  const load = useCallback(() => {
    call(api.GET('/albums/{id}/members', { params: { path: { id: album.id } } }))
      .then((list) => {
        setMembers(list);
        setLoadError(null);
      })
      .catch((err: unknown) => setLoadError(reason(err)));
  }, [album.id]);
  useEffect(load, [load]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setChanged(true);
      load();
      return true;
    } catch (err) {
      setError(reason(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const share = async () => {
    if (!email.trim()) return;
    const done = await run(() =>
      call(api.POST('/albums/{id}/members', { ...path, body: { email: email.trim(), role } })),
    );
    if (done) setEmail('');
  };
  const setMemberRole = (memberEmail: string, next: ShareRole) =>
    void run(() =>
      call(api.POST('/albums/{id}/members', { ...path, body: { email: memberEmail, role: next } })),
    );
  const unshare = (accountId: string) =>
    void run(() =>
      call(api.DELETE('/albums/{id}/members/{accountId}', { params: { path: { id: album.id, accountId } } })),
    );

  return (
    <Dialog
      title={t('share.title', { name: album.name })}
      onClose={() => onClose(changed)}
      onSubmit={owner ? () => void share() : () => onClose(changed)}
      actions={
        <button type="button" className="button" onClick={() => onClose(changed)}>
          {t('common.close')}
        </button>
      }
    >
      {members === null && !loadError ? <Spinner label={t('app.loading')} /> : null}
      {members ? (
        <ul className="members" data-testid="members">
          <li className="member">
            <span className="member__who">
              <strong>{members.owner.displayName}</strong>
              <span>{members.owner.email}</span>
            </span>
            <span className="pill pill--current">{t('share.role.owner')}</span>
          </li>
          {members.items.map((m) => (
            <li key={m.accountId} className="member" data-email={m.email}>
              <span className="member__who">
                <strong>{m.displayName}</strong>
                <span>
                  {m.email} · {t('share.since', { time: fmt.date(m.grantedAt) })}
                </span>
              </span>
              {owner ? (
                <>
                  <select
                    aria-label={t('share.roleFor', { name: m.displayName })}
                    value={m.role}
                    disabled={busy}
                    onChange={(e) =>
                      setMemberRole(m.email, e.target.value === 'contribute' ? 'contribute' : 'view')
                    }
                  >
                    <option value="view">{t('share.role.view')}</option>
                    <option value="contribute">{t('share.role.contribute')}</option>
                  </select>
                  <button
                    type="button"
                    className="button button--danger"
                    disabled={busy}
                    onClick={() => unshare(m.accountId)}
                  >
                    {t('share.remove', { name: m.displayName })}
                  </button>
                </>
              ) : (
                <span className="pill">{t(`share.role.${m.role}`)}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {members && members.items.length === 0 ? <p>{t('share.nobody')}</p> : null}
      {owner ? (
        <div className="share-form">
          <div className="field">
            <label htmlFor={emailId}>{t('share.email')}</label>
            <input
              id={emailId}
              type="email"
              autoComplete="off"
              value={email}
              maxLength={320}
              onChange={(e) => {
                setEmail(e.target.value);
                // The last failure was about the address as it was; a new one has not been tried yet.
                setError(null);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={roleId}>{t('share.role')}</label>
            <select
              id={roleId}
              value={role}
              onChange={(e) => setRole(e.target.value === 'contribute' ? 'contribute' : 'view')}
            >
              <option value="view">{t('share.role.view')}</option>
              <option value="contribute">{t('share.role.contribute')}</option>
            </select>
          </div>
          <button type="submit" className="button button--primary" disabled={busy || !email.trim()}>
            <Icon name="plus" />
            {t('share.submit')}
          </button>
        </div>
      ) : null}
      {error || loadError ? (
        <p className="form__error" role="alert">
          {error ?? loadError}
        </p>
      ) : null}
    </Dialog>
  );
}
