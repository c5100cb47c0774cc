import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { getPasskey, passkeysSupported } from './passkey.ts';

/** Every way a waiting browser may be let in; the screen offers those the account and server have. */
export type Method = 'device' | 'totp' | 'passkey' | 'email-code' | 'recovery-code';
const ALL: readonly Method[] = ['device', 'totp', 'passkey', 'email-code', 'recovery-code'];
const WAY: Record<Method, keyof Schemas['EnrolmentWays']> = {
  device: 'trustedDevice',
  totp: 'totp',
  passkey: 'passkey',
  'email-code': 'emailCode',
  'recovery-code': 'recoveryCode',
};

/** The methods this browser can use now: until the server says, the ones that never need set-up. */
export function useMethods(): readonly Method[] {
  const [ways, setWays] = useState<Schemas['EnrolmentWays'] | null>(null);
  useEffect(() => {
    call(api.GET('/auth/enrolment/ways'))
      .then(setWays)
      .catch(() => undefined);
  }, []);
  return ALL.filter((m) =>
    ways
      ? ways[WAY[m]] && (m !== 'passkey' || passkeysSupported())
      : m === 'device' || m === 'totp' || m === 'recovery-code',
  );
}

/** A passkey of the account lets this browser in: one button, the browser's own prompt. */
export function PasskeyApproval({
  onDone,
  onError,
}: {
  onDone: () => Promise<unknown>;
  onError: (message: string) => void;
}) {
  const { t } = useI18n();
  const [working, setWorking] = useState(false);
  const go = async () => {
    setWorking(true);
    try {
      const options = await call(api.POST('/auth/enrolment/passkey/options'));
      const credential = await getPasskey(options);
      await call(api.POST('/auth/enrolment/passkey', { body: { credential } }));
      await onDone();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    } finally {
      setWorking(false);
    }
  };
  return (
    <div className="pending__passkey">
      <p className="field__hint">{t('pending.passkey.hint')}</p>
      <button type="button" className="button button--primary" disabled={working} onClick={() => void go()}>
        <Icon name="shield" width={18} height={18} />
        {t('pending.passkey.use')}
      </button>
    </div>
  );
}

/** Asks the server to e-mail a code to the account's address (only offered when SMTP is configured). */
export function EmailCodeRequest({ onError }: { onError: (message: string) => void }) {
  const { t } = useI18n();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const send = async () => {
    try {
      setSentTo((await call(api.POST('/auth/enrolment/email-code'))).sentTo);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <p className="pending__email">
      <button type="button" className="button" onClick={() => void send()}>
        {t('pending.email.send')}
      </button>
      {sentTo ? <span role="status"> {t('pending.email.sent', { address: sentTo })}</span> : null}
    </p>
  );
}
