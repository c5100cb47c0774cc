import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, call, type EnrolmentRequest, type WhoAmI } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { deviceCredentials } from '../session/device-credential.ts';
import { useSessionEndSignal } from '../session/end-signal.ts';
import { endedNotice, useSession } from '../session/session.tsx';
import { AuthFrame } from './AuthScreen.tsx';
import { EmailCodeRequest, PasskeyApproval, useMethods, type Method } from './PendingFactors.tsx';

const POLL_MS = 2000;
const ENDED: ReadonlySet<EnrolmentRequest['state']> = new Set(['denied', 'expired', 'failed', 'cancelled']);

/**
 * Shown to a browser that signed in but is not yet one of the account's trusted devices. It asks the server every
 * two seconds (`GET /api/me`) and opens the library as soon as the device is trusted. A trusted device's "Allow"
 * issues a 6-digit code, typed here.
 */
export function PendingScreen({ me }: { me: WhoAmI }) {
  const { t, fmt, locale } = useI18n();
  const nameOf = usePlaceName();
  const { refresh, signOut, ended: forget } = useSession();
  const [code, setCode] = useState('');
  const [method, setMethod] = useState<Method>('device');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [enrolment, setEnrolment] = useState<EnrolmentRequest | null>(null);
  const codeId = useId();
  const methods = useMethods();
  const digits = method === 'email-code' ? 8 : 6;
  const waiting = me.device.status === 'pending';
  // Refused, removed or timed out on the server: told at once over the live channel, with the reason to show.
  useSessionEndSignal(waiting, (reason) => forget(endedNotice(reason, true)));

  useEffect(() => {
    if (!waiting) return;
    const poll = () => {
      void refresh().catch(() => undefined);
      call(api.GET('/auth/enrolment'))
        .then((state) => setEnrolment(state.enrolment))
        .catch(() => undefined);
    };
    poll();
    const timer = window.setInterval(poll, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, refresh]);

  const submitCode = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setChecking(true);
    try {
      const value = method === 'recovery-code' ? code.trim() : code.replace(/\s+/g, '');
      const approved =
        method === 'device'
          ? await call(api.POST('/auth/enrolment/complete', { body: { code: value } }))
          : method !== 'passkey'
            ? await call(api.POST('/auth/enrolment/verify', { body: { method, code: value } }))
            : null;
      deviceCredentials.keep(me.account.email, approved?.deviceCredential);
      await refresh();
    } catch (err) {
      setError(failureText({ t, locale }, err));
      setChecking(false);
    }
  };

  if (!waiting) {
    return (
      <AuthFrame>
        <div className="pending__icon pending__icon--denied" aria-hidden="true">
          <Icon name="warning" width={28} height={28} />
        </div>
        <h1>{t('pending.denied.title')}</h1>
        <p className="auth__subtitle">{t('pending.denied.body')}</p>
        <button type="button" className="button button--primary button--wide" onClick={() => void signOut()}>
          {t('pending.useOtherAccount')}
        </button>
      </AuthFrame>
    );
  }

  const ended = enrolment !== null && ENDED.has(enrolment.state);
  const place = me.session.place ? nameOf(me.session.place) : undefined;
  return (
    <AuthFrame>
      <div className="pending__icon" aria-hidden="true">
        <Icon name="shield" width={28} height={28} />
      </div>
      <h1>{t('pending.title')}</h1>
      <p className="auth__subtitle">{t('pending.body', { email: me.account.email })}</p>

      <div className="device-card">
        <Icon name="browser" width={24} height={24} />
        <div>
          <p className="device-card__label">{t('pending.thisDevice')}</p>
          <p className="device-card__name">{me.device.name}</p>
          <p className="device-card__meta">
            {[me.device.model, me.device.os, fmt.dateTime(me.device.firstSignInAt)]
              .filter(Boolean)
              .join(' · ')}
          </p>
          {place || me.session.ip ? (
            <p className="device-card__meta">
              {t('pending.signedInFrom', { place: [place, me.session.ip].filter(Boolean).join(' · ') })}
            </p>
          ) : null}
        </div>
      </div>

      {ended ? (
        <p className="form__error pending__status" role="alert">
          <Icon name="warning" width={18} height={18} />
          {t('pending.expired')}
        </p>
      ) : (
        <p className="pending__waiting" role="status">
          {enrolment?.codeIssued ? (
            <Icon name="check" width={18} height={18} />
          ) : (
            <span className="spinner__dot" aria-hidden="true" />
          )}
          {enrolment?.codeIssued ? t('pending.codeIssued') : t('pending.waiting')}
        </p>
      )}

      {ended ? null : (
        <form className="form pending__code" onSubmit={(e) => void submitCode(e)}>
          <label className="pending__method">
            <span>{t('pending.method')}</span>
            <select
              value={method}
              onChange={(e) => {
                setMethod(e.target.value as Method);
                setCode('');
              }}
            >
              {methods.map((m) => (
                <option key={m} value={m}>
                  {t(`pending.method.${m}`)}
                </option>
              ))}
            </select>
          </label>
          {method === 'passkey' ? (
            <PasskeyApproval
              onDone={(approved) => {
                deviceCredentials.keep(me.account.email, approved.deviceCredential);
                return refresh();
              }}
              onError={setError}
            />
          ) : null}
          {method === 'email-code' ? <EmailCodeRequest onError={setError} /> : null}
          {method === 'passkey' ? null : (
            <>
              <label htmlFor={codeId}>
                {t(method === 'device' ? 'pending.codeLabel' : `pending.method.${method}`)}
              </label>
              <div className="pending__code-row">
                <input
                  id={codeId}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={method === 'recovery-code' ? 40 : digits + 1}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  placeholder={method === 'recovery-code' ? undefined : '12345678'.slice(0, digits)}
                  aria-describedby={`${codeId}-hint`}
                />
                <button
                  type="submit"
                  className="button button--primary"
                  disabled={
                    checking ||
                    (method === 'recovery-code'
                      ? code.trim().length === 0
                      : code.replace(/\s+/g, '').length !== digits)
                  }
                >
                  {t('pending.codeSubmit')}
                </button>
              </div>
              <p className="field__hint" id={`${codeId}-hint`} hidden={method !== 'device'}>
                {t('pending.codeHint')}
              </p>
            </>
          )}
          {error ? (
            <p className="form__error" role="alert">
              <Icon name="warning" width={18} height={18} />
              {error}
            </p>
          ) : null}
        </form>
      )}

      <button type="button" className="link-button" onClick={() => void signOut()}>
        {t('pending.useOtherAccount')}
      </button>
    </AuthFrame>
  );
}
