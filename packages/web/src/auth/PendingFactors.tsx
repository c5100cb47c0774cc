import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { getPasskey, openedByAddress, passkeyFailureText, passkeysSupported } from './passkey.ts';

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
      ? ways[WAY[m]] && (m !== 'passkey' || (passkeysSupported() && !openedByAddress()))
      : m === 'device' || m === 'totp' || m === 'recovery-code',
  );
}

/** A passkey of the account lets this browser in: one button, the browser's own prompt. */
export function PasskeyApproval({
  onDone,
  onError,
}: {
  /** Gets the approval, whose device credential the browser keeps. */
  onDone: (approved: { deviceCredential?: string }) => Promise<unknown>;
  onError: (message: string) => void;
}) {
  const { t, locale } = useI18n();
  const [working, setWorking] = useState(false);
  const go = async () => {
    setWorking(true);
    try {
      const options = await call(api.POST('/auth/enrolment/passkey/options'));
      const credential = await getPasskey(options);
      await onDone(await call(api.POST('/auth/enrolment/passkey', { body: { credential } })));
    } catch (err) {
      onError(passkeyFailureText({ t, locale }, err));
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

// The server refuses a new code within 30 s of the last (EMAIL_RESEND_MS in server/src/trust): wait as long here.
const RESEND_AFTER_MS = 30_000;

/**
 * Asks the server to e-mail a code to the account's address (only offered when SMTP is configured), and for a new
 * one when it does not arrive: each new code replaces the last, and the server's limits apply to both.
 */
export function EmailCodeRequest({ onError }: { onError: (message: string) => void }) {
  const { t, locale } = useI18n();
  const [sent, setSent] = useState<{ to: string; at: number; again: boolean } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [sending, setSending] = useState(false);
  const wait = sent ? Math.max(0, Math.ceil((sent.at + RESEND_AFTER_MS - now) / 1000)) : 0;

  useEffect(() => {
    if (wait <= 0) return;
    const timer = window.setTimeout(() => setNow(Date.now()), 1000);
    return () => window.clearTimeout(timer);
  }, [wait, now]);

  const send = async () => {
    setSending(true);
    try {
      const result = await call(api.POST('/auth/enrolment/email-code'));
      const at = Date.now();
      setSent({ to: result.sentTo, at, again: sent !== null });
      setNow(at);
    } catch (err) {
      onError(failureText({ t, locale }, err));
    } finally {
      setSending(false);
    }
  };

  if (!sent) {
    return (
      <p className="pending__email">
        <button type="button" className="button" disabled={sending} onClick={() => void send()}>
          {t('pending.email.send')}
        </button>
      </p>
    );
  }
  return (
    <div className="pending__email">
      <p role="status">
        {sent.again
          ? t('pending.email.resent', { address: sent.to })
          : t('pending.email.sent', { address: sent.to })}
      </p>
      <button
        type="button"
        className="button"
        disabled={sending || wait > 0}
        onClick={() => void send()}
        data-testid="email-resend"
      >
        {wait > 0 ? t('pending.email.resendIn', { seconds: wait }) : t('pending.email.resend')}
      </button>
    </div>
  );
}
