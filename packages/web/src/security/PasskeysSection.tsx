import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { createPasskey, openedByAddress, passkeyFailureText, passkeysSupported } from '../auth/passkey.ts';
import { useI18n } from '../i18n/i18n.tsx';

type Passkey = Schemas['Passkey'];

/** The account's passkeys: add one (password, then the browser's passkey prompt), see them, remove one. */
export function PasskeysSection() {
  const { t, tn, fmt, locale } = useI18n();
  const reason = (err: unknown) => passkeyFailureText({ t, locale }, err);
  // No passkey can be made at an IP address (WebAuthn needs a domain name): the button stays off and says why.
  const unavailable = !passkeysSupported()
    ? t('auth.passkey.unsupported')
    : openedByAddress()
      ? t('auth.passkey.ipAddress')
      : null;
  const [items, setItems] = useState<Passkey[] | null>(null);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [others, setOthers] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const passwordId = useId();
  const load = useCallback(() => {
    call(api.GET('/account/passkeys'))
      .then((list) => setItems(list.items))
      .catch((err: unknown) => setError(reason(err)));
  }, []);
  useEffect(load, [load]);

  const run = async (action: () => Promise<string>) => {
    setError(null);
    setMessage(null);
    setWorking(true);
    try {
      setMessage(await action());
      setPassword('');
      load();
    } catch (err) {
      setError(reason(err));
    } finally {
      setWorking(false);
    }
  };

  // Left empty, the password is not sent: a session that signed in within 15 minutes needs none.
  const proof = () => (password ? { password } : {});
  const ended = (count: number) => tn('security.passkeys.endedSessions', count);

  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const options = await call(api.POST('/account/passkeys/options', { body: proof() }));
      const credential = await createPasskey(options);
      const added = await call(
        api.POST('/account/passkeys', {
          body: { credential, signOutOtherSessions: others, ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      );
      setName('');
      return `${t('security.passkeys.added', { name: added.name })} ${ended(added.endedSessions)}`;
    });
  };

  const remove = (passkey: Passkey) =>
    run(async () => {
      const removed = await call(
        api.POST('/account/passkeys/{id}/remove', {
          params: { path: { id: passkey.id } },
          body: { ...proof(), signOutOtherSessions: others },
        }),
      );
      return `${t('security.passkeys.removed')} ${ended(removed.endedSessions)}`;
    });

  return (
    <section className="card security__section" aria-labelledby="sec-passkeys">
      <h2 id="sec-passkeys">{t('security.passkeys.title')}</h2>
      <p>{t('security.passkeys.intro')}</p>
      {items && items.length === 0 ? <p>{t('security.passkeys.none')}</p> : null}
      {items && items.length > 0 ? (
        <ul className="passkeys" data-testid="passkeys">
          {items.map((p) => (
            <li key={p.id} className="passkeys__item">
              <div>
                <strong>{p.name}</strong>
                <p className="field__hint">
                  {[
                    t('security.passkeys.created', { date: fmt.dateTime(p.createdAt) }),
                    p.lastUsedAt
                      ? t('security.passkeys.lastUsed', { date: fmt.dateTime(p.lastUsedAt) })
                      : t('security.passkeys.neverUsed'),
                    p.userVerified ? t('security.passkeys.verified') : null,
                    p.backupEligible ? t('security.passkeys.synced') : t('security.passkeys.deviceBound'),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </p>
              </div>
              <button
                type="button"
                className="button"
                disabled={working}
                aria-label={t('security.passkeys.removeLabel', { name: p.name })}
                onClick={() => void remove(p)}
              >
                {t('security.passkeys.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="form" onSubmit={add}>
        <label className="field" htmlFor={passwordId}>
          <span>{t('security.password.current')}</span>
          <input
            id={passwordId}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={`${passwordId}-hint`}
          />
        </label>
        <p className="field__hint" id={`${passwordId}-hint`}>
          {t('security.passkeys.passwordFirst')}
        </p>
        <label className="field">
          <span>{t('security.passkeys.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </label>
        <label className="check">
          <input type="checkbox" checked={others} onChange={(e) => setOthers(e.target.checked)} />
          <span>{t('security.password.signOutOthers')}</span>
        </label>
        <button
          type="submit"
          className="button"
          disabled={working || unavailable !== null}
          aria-describedby={unavailable ? `${passwordId}-unavailable` : undefined}
        >
          {t('security.passkeys.add')}
        </button>
        {unavailable ? (
          <p id={`${passwordId}-unavailable`} data-testid="passkey-unavailable">
            {unavailable}
          </p>
        ) : null}
      </form>
      {message ? <p role="status">{message}</p> : null}
      {error ? <p role="alert">{t('toast.failed', { reason: error })}</p> : null}
    </section>
  );
}
