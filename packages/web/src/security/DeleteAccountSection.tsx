import { useState } from 'react';
import { ApiError, api, call } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe, useSession } from '../session/session.tsx';
import type { ReauthRun } from './reauth.tsx';
import { SensitiveForm } from './SensitiveForm.tsx';

/**
 * Deleting one's own account: a plain warning, the e-mail typed out, and the password unless the session proved
 * itself lately. The server ends every session at once, so the browser signs out with a notice.
 */
export function DeleteAccountSection({ run }: { run: ReauthRun }) {
  const { t } = useI18n();
  const me = useMe();
  const { ended } = useSession();
  const [typed, setTyped] = useState('');
  const email = me.account.email;
  const matches = typed.trim().toLowerCase() === email.toLowerCase();

  return (
    <section className="card security__section security__danger" aria-labelledby="sec-delete">
      <h2 id="sec-delete">{t('security.delete.title')}</h2>
      <p role="note">{t('security.delete.warning')}</p>
      <SensitiveForm
        run={run}
        send={(proof) => call(api.DELETE('/account', { body: { confirmEmail: typed.trim(), ...proof } }))}
        onDone={() => ended('auth.accountDeleted')}
        check={() => (matches ? null : t('security.delete.mismatch'))}
        problem={(err) =>
          err instanceof ApiError && err.code === 'conflict' ? t('security.delete.lastAdmin') : null
        }
        canSubmit={matches}
        passwordLabel={t('security.delete.password')}
        submitLabel={t('security.delete.submit')}
        submitClass="button button--danger-solid"
      >
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
      </SensitiveForm>
    </section>
  );
}
