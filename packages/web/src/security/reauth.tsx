import { useCallback, useId, useState, type ReactNode } from 'react';
import { ApiError, api, call } from '../api/client.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Translate = ReturnType<typeof useI18n>['t'];

/** A failed call in words: the codes a security action can answer with, else the server's own detail. */
export function problemText(t: Translate, err: unknown, wrongCredentials?: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'invalid_credentials') return wrongCredentials ?? t('problem.invalid_credentials');
    if (err.code === 'email_taken') return t('problem.email_taken');
    if (err.code === 'reauth_required') return t('reauth.needed');
    if (err.code === 'rate_limited') return t('problem.rate_limited');
  }
  return t('toast.failed', { reason: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs sensitive actions so that a `403 reauth_required` (no proof in the last 15 minutes) asks for the password,
 * re-authenticates the session and tries the action once more. Render `prompt` where the dialog may appear.
 */
export function useReauth(): { run: <T>(action: () => Promise<T>) => Promise<T>; prompt: ReactNode } {
  const [waiting, setWaiting] = useState<((proved: boolean) => void) | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'reauth_required')) throw err;
      const proved = await new Promise<boolean>((resolve) => setWaiting(() => resolve));
      if (!proved) throw err;
      return action();
    }
  }, []);
  const done = (proved: boolean) => {
    waiting?.(proved);
    setWaiting(null);
  };
  return { run, prompt: waiting ? <ReauthDialog onDone={done} /> : null };
}

function ReauthDialog({ onDone }: { onDone: (proved: boolean) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!password) return;
    setBusy(true);
    setError(null);
    call(api.POST('/session/reauth', { body: { password } }))
      .then(() => onDone(true))
      .catch((err: unknown) => {
        setBusy(false);
        setError(problemText(t, err, t('reauth.wrong')));
      });
  };
  return (
    <Dialog
      title={t('reauth.title')}
      onClose={() => onDone(false)}
      onSubmit={submit}
      actions={
        <>
          <button type="button" className="button" onClick={() => onDone(false)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !password}>
            {t('reauth.submit')}
          </button>
        </>
      }
    >
      <p>{t('reauth.body')}</p>
      <div className="field">
        <label htmlFor={id}>{t('reauth.password')}</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
