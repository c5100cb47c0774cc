import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { ActivityLog } from '../devices/ActivityLog.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { DeleteAccountSection } from './DeleteAccountSection.tsx';
import { EmailSection } from './EmailSection.tsx';
import { PasskeysSection } from './PasskeysSection.tsx';
import { problemText, useReauth, type ReauthRun } from './reauth.tsx';
import { CodeList, RecoverySection, type FactorSectionProps } from './RecoverySection.tsx';
import { SensitiveForm } from './SensitiveForm.tsx';

type Setup = Schemas['TotpSetup'];

/** The account's security: password, e-mail, authenticator app, recovery codes, and the sign-in activity. */
export default function SecurityPage() {
  const { t } = useI18n();
  const { run, prompt } = useReauth();
  const [status, setStatus] = useState<Schemas['SecurityStatus'] | null>(null);
  const load = useCallback(() => {
    call(api.GET('/account/security'))
      .then(setStatus)
      .catch(() => undefined);
  }, []);
  useEffect(load, [load]);
  return (
    <div className="page page--narrow security">
      <div className="page-head">
        <h1>{t('security.title')}</h1>
      </div>
      <PasswordSection run={run} />
      <EmailSection run={run} />
      <TotpSection status={status} onChange={load} run={run} />
      <RecoverySection status={status} onChange={load} run={run} />
      <PasskeysSection />
      <ActivityLog />
      <DeleteAccountSection run={run} />
      {prompt}
    </div>
  );
}

function PasswordSection({ run }: { run: ReauthRun }) {
  const { t, tn } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [others, setOthers] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body = { currentPassword: current, newPassword: next, signOutOtherSessions: others };
      const result = await run(() => call(api.POST('/account/password', { body })));
      setMessage(tn('security.password.changed', result.endedSessions));
      setCurrent('');
      setNext('');
    } catch (err) {
      setMessage(problemText(t, err));
    }
  };
  return (
    <section className="card security__section" aria-labelledby="sec-password">
      <h2 id="sec-password">{t('security.password.title')}</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('security.password.current')}</span>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('security.password.new')}</span>
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
            minLength={8}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={others} onChange={(e) => setOthers(e.target.checked)} />
          <span>{t('security.password.signOutOthers')}</span>
        </label>
        <button type="submit" className="button button--primary">
          {t('security.password.submit')}
        </button>
        {message ? <p role="status">{message}</p> : null}
      </form>
    </section>
  );
}

function TotpSection({ status, onChange, run }: FactorSectionProps) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const done = await call(api.POST('/account/totp/confirm', { body: { code } }));
      setCodes(done.recoveryCodes?.codes ?? []);
      setSetup(null);
      onChange();
    } catch (err) {
      setError(problemText(t, err));
    }
  };
  return (
    <section className="card security__section" aria-labelledby="sec-totp">
      <h2 id="sec-totp">{t('security.totp.title')}</h2>
      {status?.totp.enabled && !setup ? <p data-testid="totp-on">{t('security.totp.on')}</p> : null}
      {!status?.totp.enabled && !setup ? (
        <SensitiveForm
          run={run}
          send={(proof) => call(api.POST('/account/totp', { body: proof }))}
          onDone={setSetup}
          onStart={() => setError(null)}
          submitLabel={t('security.totp.start')}
        />
      ) : null}
      {setup ? (
        <form className="form" onSubmit={(e) => void confirm(e)}>
          <p>{t('security.totp.scanQr')}</p>
          <img
            className="totp-qr"
            data-testid="totp-qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
            alt={t('security.totp.qr')}
            width={192}
            height={192}
          />
          <p className="mono" data-testid="totp-uri">
            {setup.uri}
          </p>
          <p>
            {t('security.totp.secret')} <code data-testid="totp-secret">{setup.secret}</code>
          </p>
          <label className="field">
            <span>{t('security.totp.code')}</span>
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="button button--primary">
            {t('security.totp.confirm')}
          </button>
        </form>
      ) : null}
      {codes ? <CodeList codes={codes} /> : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
