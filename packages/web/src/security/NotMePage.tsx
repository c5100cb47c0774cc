import { useState } from 'react';
import { api, ApiError, call, type Schemas } from '../api/client.tsx';
import { AuthFrame } from '../auth/AuthScreen.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type State =
  | { kind: 'ask' }
  | { kind: 'busy' }
  | { kind: 'done'; result: Schemas['NotMeResult'] }
  | { kind: 'failed'; detail: string };

/**
 * "This wasn't me", opened from the link of a notice e-mail, on any device and without signing in: the link's
 * single-use token is the authority. It asks before acting, because mail scanners open links on their own.
 */
export function NotMePage({ token }: { token: string | null }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'ask' });

  async function disown(value: string) {
    setState({ kind: 'busy' });
    try {
      const result = await call(api.POST('/security/not-me/link', { body: { token: value } }));
      setState({ kind: 'done', result });
    } catch (err) {
      setState({ kind: 'failed', detail: err instanceof ApiError ? err.message : String(err) });
    }
  }

  return (
    <AuthFrame>
      <h1>{t('notMe.title')}</h1>
      {!token && <p role="alert">{t('notMe.noToken')}</p>}
      {token && (state.kind === 'ask' || state.kind === 'busy') && (
        <>
          <p className="auth__subtitle">{t('notMe.explain')}</p>
          <button
            type="button"
            className="button button--danger-solid button--wide"
            disabled={state.kind === 'busy'}
            onClick={() => void disown(token)}
          >
            {t('notMe.confirm')}
          </button>
        </>
      )}
      {state.kind === 'done' && (
        <div role="status">
          <p>
            {state.result.removedDeviceId
              ? t('notMe.done', { sessions: state.result.endedSessions })
              : t('notMe.doneNoDevice')}
          </p>
          <p>{t('notMe.next')}</p>
        </div>
      )}
      {state.kind === 'failed' && <p role="alert">{state.detail}</p>}
    </AuthFrame>
  );
}
