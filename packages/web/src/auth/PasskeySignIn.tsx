import { useState } from 'react';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session/session.tsx';
import { openedByAddress, passkeyFailureText, passkeysSupported } from './passkey.ts';

/**
 * "Sign in with a passkey" under the password form: a discoverable passkey, no e-mail or password typed. At an IP
 * address, where no passkey works, a short note says why instead.
 */
export function PasskeySignIn() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!passkeysSupported()) return null;
  // WebAuthn refuses an IP address outright: say why there is no passkey button rather than offer one that fails.
  if (openedByAddress())
    return (
      <p className="field__hint auth__passkey-note" data-testid="passkey-ip-note">
        {t('auth.passkey.ipAddress')}
      </p>
    );
  const go = async () => {
    setError(null);
    setWorking(true);
    try {
      await session.signInWithPasskey();
    } catch (err) {
      setError(passkeyFailureText({ t, locale }, err));
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
