import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { problemText, type useReauth } from './reauth.tsx';

type Run = ReturnType<typeof useReauth>['run'];

/** Recovery codes are shown once, right after they are made. */
export function CodeList({ codes }: { codes: string[] }) {
  const { t } = useI18n();
  return (
    <div>
      <p>{t('security.recovery.once')}</p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RecoverySection({
  status,
  onChange,
  run,
}: {
  status: Schemas['SecurityStatus'] | null;
  onChange: () => void;
  run: Run;
}) {
  const { t, tn } = useI18n();
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body = password ? { password } : {};
      const result = await run(() => call(api.POST('/account/recovery-codes', { body })));
      setCodes(result?.codes ?? []);
      onChange();
    } catch (err) {
      setError(problemText(t, err));
    }
  };
  return (
    <section className="card security__section" aria-labelledby="sec-recovery">
      <h2 id="sec-recovery">{t('security.recovery.title')}</h2>
      {status ? <p>{tn('security.recovery.remaining', status.recoveryCodes.remaining)}</p> : null}
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('security.passwordIfStale')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="button">
          {t('security.recovery.new')}
        </button>
      </form>
      {codes ? <CodeList codes={codes} /> : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
