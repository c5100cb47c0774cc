import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { problemText, type ReauthRun } from './reauth.tsx';

/** The password as a request sends it: left out when empty, since a session that proved itself lately needs none. */
export type Proof = { password?: string };

interface SensitiveFormProps<T> {
  /** From `useReauth`: a stale session is asked for its password and the action tried once more. */
  run: ReauthRun;
  /** The sensitive call itself, with the proof typed here. */
  send: (proof: Proof) => Promise<T>;
  /** What follows a successful call (showing its result, signing out). */
  onDone: (result: T) => void | Promise<void>;
  submitLabel: string;
  /** The look of the submit button: `button`, or with `button--primary` / `button--danger-solid`. */
  submitClass?: string;
  /** Label of the password field; by default it says when the password is not needed. */
  passwordLabel?: string;
  /** False keeps the submit button disabled (e.g. until a confirmation is typed out). */
  canSubmit?: boolean;
  /** A reason not to send at all, shown as the error; null to go ahead. */
  check?: () => string | null;
  /** Words for failures particular to this action; null falls back to the usual ones. */
  problem?: (err: unknown) => string | null;
  /** Called as each attempt starts, to clear the section's own messages. */
  onStart?: () => void;
  /** Fields before the password. */
  children?: ReactNode;
  /** Fields after the password (e.g. "sign out everywhere else"). */
  after?: ReactNode;
}

/**
 * A security action that needs a recent proof of identity: its fields, the password field, a submit button that
 * stays disabled while the call runs, and the failure in words below the form (announced as an alert). The
 * password is forgotten once the action succeeded.
 */
export function SensitiveForm<T>(props: SensitiveFormProps<T>) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    props.onStart?.();
    const refused = props.check?.() ?? null;
    if (refused) {
      setError(refused);
      return;
    }
    setBusy(true);
    try {
      const proof: Proof = password ? { password } : {};
      const result = await props.run(() => props.send(proof));
      setPassword('');
      await props.onDone(result);
    } catch (err) {
      setError(props.problem?.(err) ?? problemText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {props.children}
        <label className="field">
          <span>{props.passwordLabel ?? t('security.passwordIfStale')}</span>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {props.after}
        <button
          type="submit"
          className={props.submitClass ?? 'button'}
          disabled={busy || props.canSubmit === false}
        >
          {props.submitLabel}
        </button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
    </>
  );
}
