import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { problemText, type useReauth } from './reauth.tsx';

type Change = Schemas['EmailChange'];

/** Changing the sign-in address: with e-mail configured the server sends a code to the new one first. */
export function EmailSection({ run }: { run: ReturnType<typeof useReauth>['run'] }) {
  const { t, tn } = useI18n();
  const me = useMe();
  const [email, setEmail] = useState(me.account.email);
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [others, setOthers] = useState(true);
  const [code, setCode] = useState('');
  const [pending, setPending] = useState<Change | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const finished = (done: Change) => {
    setEmail(done.email);
    setPending(null);
    setNewEmail('');
    setPassword('');
    setCode('');
    setMessage(tn('security.email.changed', done.endedSessions, { email: done.email }));
  };
  const request = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    try {
      const body = { newEmail, signOutOtherSessions: others, ...(password ? { password } : {}) };
      const result = await run(() => call(api.POST('/account/email', { body })));
      if (result.status === 'pending') setPending(result);
      else finished(result);
    } catch (err) {
      setError(problemText(t, err));
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { code: code.trim(), newEmail: pending?.newEmail };
      finished(await call(api.POST('/account/email/confirm', { body })));
    } catch (err) {
      setError(problemText(t, err, t('security.email.wrongCode')));
    }
  };

  return (
    <section className="card security__section" aria-labelledby="sec-email">
      <h2 id="sec-email">{t('security.email.title')}</h2>
      <p data-testid="current-email">{t('security.email.current', { email })}</p>
      {pending ? (
        <form className="form" onSubmit={(e) => void confirm(e)}>
          <p role="status">{t('security.email.sent', { to: pending.sentTo ?? pending.newEmail })}</p>
          <label className="field">
            <span>{t('security.email.code')}</span>
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              minLength={6}
            />
          </label>
          <button type="submit" className="button button--primary">
            {t('security.email.confirm')}
          </button>
        </form>
      ) : (
        <form className="form" onSubmit={(e) => void request(e)}>
          <label className="field">
            <span>{t('security.email.new')}</span>
            <input
              type="email"
              autoComplete="email"
              value={newEmail}
              onChange={(e) => setNewEmail(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span>{t('security.passwordIfStale')}</span>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={others} onChange={(e) => setOthers(e.target.checked)} />
            <span>{t('security.password.signOutOthers')}</span>
          </label>
          <button type="submit" className="button button--primary">
            {t('security.email.submit')}
          </button>
        </form>
      )}
      {message ? <p role="status">{message}</p> : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
