import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { problemText, type ReauthRun } from './reauth.tsx';
import { SensitiveForm } from './SensitiveForm.tsx';

type Change = Schemas['EmailChange'];

/** Changing the sign-in address: with e-mail configured the server sends a code to the new one first. */
export function EmailSection({ run }: { run: ReauthRun }) {
  const { t, tn } = useI18n();
  const me = useMe();
  const [email, setEmail] = useState(me.account.email);
  const [newEmail, setNewEmail] = useState('');
  const [others, setOthers] = useState(true);
  const [code, setCode] = useState('');
  const [pending, setPending] = useState<Change | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const finished = (done: Change) => {
    setEmail(done.email);
    setPending(null);
    setNewEmail('');
    setCode('');
    setMessage(tn('security.email.changed', done.endedSessions, { email: done.email }));
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
        <SensitiveForm
          run={run}
          send={(proof) =>
            call(api.POST('/account/email', { body: { newEmail, signOutOtherSessions: others, ...proof } }))
          }
          onDone={(result) => (result.status === 'pending' ? setPending(result) : finished(result))}
          onStart={() => {
            setError(null);
            setMessage(null);
          }}
          submitLabel={t('security.email.submit')}
          submitClass="button button--primary"
          after={
            <label className="check">
              <input type="checkbox" checked={others} onChange={(e) => setOthers(e.target.checked)} />
              <span>{t('security.password.signOutOthers')}</span>
            </label>
          }
        >
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
        </SensitiveForm>
      )}
      {message ? <p role="status">{message}</p> : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
