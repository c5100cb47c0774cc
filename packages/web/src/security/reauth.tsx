import { useCallback, useId, useState, type ReactNode } from 'react';
import { ApiError, api, call } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { ActionDialog } from '../components/Dialogs.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { isLocale, type Locale } from '../i18n/translate.ts';

type Translate = ReturnType<typeof useI18n>['t'];

/** The language the page is shown in (I18nProvider keeps `<html lang>` on it): callers hand over only `t`. */
const pageLocale = (): Locale => {
  const lang = document.documentElement.lang;
  return isLocale(lang) ? lang : 'en';
};

/** A failed call in words: the codes a security action can answer with, else the code's sentence (api/problem-text.ts). */
export function problemText(t: Translate, err: unknown, wrongCredentials?: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'invalid_credentials') return wrongCredentials ?? t('problem.invalid_credentials');
    if (err.code === 'email_taken') return t('problem.email_taken');
    if (err.code === 'reauth_required') return t('reauth.needed');
    if (err.code === 'rate_limited') return t('problem.rate_limited');
  }
  return t('toast.failed', { reason: failureText({ t, locale: pageLocale() }, err) });
}

/** Runs one sensitive action, asking for the password first when the server wants a fresh proof. */
export type ReauthRun = <T>(action: () => Promise<T>) => Promise<T>;

/**
 * Runs sensitive actions so that a `403 reauth_required` (no proof in the last 15 minutes) asks for the password,
 * re-authenticates the session and tries the action once more. Render `prompt` where the dialog may appear.
 */
export function useReauth(): { run: ReauthRun; prompt: ReactNode } {
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
  const prove = async () => {
    await call(api.POST('/session/reauth', { body: { password } }));
    onDone(true);
  };
  return (
    <ActionDialog
      title={t('reauth.title')}
      submitLabel={t('reauth.submit')}
      canSubmit={password !== ''}
      onSubmit={prove}
      onClose={() => onDone(false)}
      describeError={(err) => problemText(t, err, t('reauth.wrong'))}
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
    </ActionDialog>
  );
}
