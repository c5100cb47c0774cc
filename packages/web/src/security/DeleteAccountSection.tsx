import { useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe, useSession } from '../session/session.tsx';
import { problemText, type useReauth } from './reauth.tsx';

/**
 * Deleting one's own account: a plain warning, the e-mail typed out, and the password unless the session proved
 * itself lately. The server ends every session at once, so the browser signs out with a notice.
 */
export function DeleteAccountSection({ run }: { run: ReturnType<typeof useReauth>['run'] }) {
  const { t } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const [typed, setTyped] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const email = me.account.email;
  const matches = typed.trim().toLowerCase() === email.toLowerCase();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!matches) {
      setError(t('security.delete.mismatch'));
      return;
    }
    setBusy(true);
    try {
      const body = { confirmEmail: typed.trim(), ...(password ? { password } : {}) };
      await run(() => call(api.DELETE('/account', { body })));
      await signOut('auth.accountDeleted');
    } catch (err) {
      setBusy(false);
      setError(
        err instanceof ApiError && err.code === 'conflict'
          ? t('security.delete.lastAdmin')
          : problemText(t, err),
      );
    }
  };

  return (
    <section className="card security__section security__danger" aria-labelledby="sec-delete">
      <h2 id="sec-delete">{t('security.delete.title')}</h2>
      <p role="note">{t('security.delete.warning')}</p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('security.delete.typeEmail', { email })}</span>
          <input
            type="email"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('security.delete.password')}</span>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="button button--danger-solid" disabled={busy || !matches}>
          {t('security.delete.submit')}
        </button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
