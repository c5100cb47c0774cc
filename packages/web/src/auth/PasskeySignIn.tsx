import { useState } from 'react';
import { Icon } from '../components/Icon.tsx';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session/session.tsx';
import { passkeysSupported } from './passkey.ts';

/** "Sign in with a passkey" under the password form: a discoverable passkey, no e-mail or password typed. */
export function PasskeySignIn() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!passkeysSupported()) return null;
  const go = async () => {
    setError(null);
    setWorking(true);
    try {
      await session.signInWithPasskey();
    } catch (err) {
      setError(failureText({ t, locale }, err));
      setWorking(false);
    }
  };
  return (
    <>
      <p className="auth__or">{t('auth.passkey.or')}</p>
      <button type="button" className="button button--wide" disabled={working} onClick={() => void go()}>
        <Icon name="shield" width={18} height={18} />
        {t('auth.passkey.signIn')}
      </button>
      {error ? (
        <p className="form__error" role="alert">
          <Icon name="warning" width={18} height={18} />
          {error}
        </p>
      ) : null}
    </>
  );
}
