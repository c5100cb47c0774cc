import { useCallback, useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { Icon } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { listOf } from '../components/place-names.ts';
import './sessions.css';

type SessionItem = Schemas['SessionListItem'];

/** The sign-in factors the explain page names (`explain.factor.*`); an unknown one stays its code. */
const FACTORS = ['password', 'totp', 'passkey', 'recovery-code', 'email-code', 'trusted-device'] as const;
const isFactor = (f: string): f is (typeof FACTORS)[number] => (FACTORS as readonly string[]).includes(f);

/**
 * The account's live sessions, each with a way to end it at once (issue 4 req. 3). The current one has no
 * button: signing out is the header's job. `refresh` changes when the Devices page reloads, since removing a
 * device ends its sessions too.
 */
export function SessionsSection({ refresh }: { refresh: number }) {
  const { t, fmt, locale } = useI18n();
  const nameOf = usePlaceName();
  const toast = useToast();
  const [sessions, setSessions] = useState<SessionItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState<string | null>(null);

  const load = useCallback(() => {
    call(api.GET('/sessions'))
      .then((list) => {
        setSessions(list.items);
        setError(null);
      })
      .catch((err: unknown) => setError(failureText({ t, locale }, err)));
  }, []);
  useEffect(() => load(), [load, refresh]);

  const end = async (session: SessionItem) => {
    setEnding(session.id);
    try {
      await call(api.DELETE('/sessions/{id}', { params: { path: { id: session.id } } }));
      toast({ message: t('sessions.ended', { name: session.deviceName }) });
    } catch (err) {
      toast({
        tone: 'error',
        message: t('toast.failed', { reason: failureText({ t, locale }, err) }),
      });
    } finally {
      setEnding(null);
      load();
    }
  };

  // The current session first, then the most recently used (the server's order).
  const ordered = [...(sessions ?? [])].sort((a, b) => Number(b.current) - Number(a.current));

  return (
    <section className="sessions-block" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="section-title">
        {t('sessions.title')}
      </h2>
      <p className="sessions-block__body">{t('sessions.subtitle')}</p>
      {error ? (
        <p className="form__error" role="alert">
          {t('sessions.loadFailed', { reason: error })}
        </p>
      ) : null}
      <ul className="devices sessions">
        {ordered.map((s) => (
          <li key={s.id} className="device session" data-session-id={s.id}>
            <div className="device__icon" aria-hidden="true">
              <Icon name={s.client === 'web' ? 'browser' : 'laptop'} width={24} height={24} />
            </div>
            <div className="device__main">
              <div className="device__title">
                <h3 className="device__name">{s.deviceName}</h3>
                {s.current ? <span className="pill pill--current">{t('sessions.current')}</span> : null}
              </div>
              <p className="device__meta">{t(`sessions.client.${s.client}`)}</p>
              <dl className="device__facts">
                <div>
                  <dt>{t('sessions.signedIn')}</dt>
                  <dd>{fmt.dateTime(s.createdAt)}</dd>
                </div>
                <div>
                  <dt>{t('sessions.lastSeen')}</dt>
                  <dd title={fmt.dateTime(s.lastSeenAt)}>{fmt.relative(s.lastSeenAt)}</dd>
                </div>
                <div>
                  <dt>{t('sessions.place')}</dt>
                  <dd>
                    {[s.place ? nameOf(s.place) : null, s.ip].filter(Boolean).join(' · ') ||
                      t('devices.unknown')}
                  </dd>
                </div>
                {s.factors.length > 0 ? (
                  <div>
                    <dt>{t('sessions.factors')}</dt>
                    <dd>
                      {listOf(
                        s.factors.map((f) => (isFactor(f) ? t(`explain.factor.${f}`) : f)),
                        locale,
                      )}
                    </dd>
                  </div>
                ) : null}
              </dl>
            </div>
            {s.current ? null : (
              <button
                type="button"
                className="button button--danger device__remove"
                aria-label={t('sessions.endLabel', { name: s.deviceName })}
                disabled={ending === s.id}
                onClick={() => void end(s)}
              >
                {t('sessions.end')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
