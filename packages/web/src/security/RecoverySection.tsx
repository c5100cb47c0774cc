import { useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { ReauthRun } from './reauth.tsx';
import { SensitiveForm } from './SensitiveForm.tsx';

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

/** What the second-factor sections get: the account's security status, a reload of it, and the re-auth runner. */
export interface FactorSectionProps {
  status: Schemas['SecurityStatus'] | null;
  onChange: () => void;
  run: ReauthRun;
}

export function RecoverySection({ status, onChange, run }: FactorSectionProps) {
  const { t, tn } = useI18n();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <section className="card security__section" aria-labelledby="sec-recovery">
      <h2 id="sec-recovery">{t('security.recovery.title')}</h2>
      {status ? <p>{tn('security.recovery.remaining', status.recoveryCodes.remaining)}</p> : null}
      <SensitiveForm
        run={run}
        send={(proof) => call(api.POST('/account/recovery-codes', { body: proof }))}
        onDone={(result) => {
          setCodes(result?.codes ?? []);
          onChange();
        }}
        submitLabel={t('security.recovery.new')}
      />
      {codes ? <CodeList codes={codes} /> : null}
    </section>
  );
}
