import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ServerInfo } from '../api/client.tsx';
import { Brand, LanguageSelect } from '../app/Shell.tsx';
import { Icon } from '../components/Icon.tsx';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { PlainKey } from '../i18n/translate.ts';
import { useSession } from '../session/session.tsx';
import { PasskeySignIn } from './PasskeySignIn.tsx';

type Mode = 'first-run' | 'sign-in' | 'sign-up';

/** A two-column frame for the screens before the library: the product on one side, the form on the other. */
export function AuthFrame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth">
      <aside className="auth__art" aria-hidden="true">
        <div className="auth__mosaic">
          {Array.from({ length: 20 }, (_, i) => (
            <span key={i} className={`tile tile--${i % 6}`} />
          ))}
        </div>
        <p className="auth__tagline">{t('app.tagline')}</p>
      </aside>
      <main className="auth__panel" id="main">
        <div className="auth__top">
          <Brand />
          <LanguageSelect compact />
        </div>
        <div className="auth__card">{children}</div>
      </main>
    </div>
  );
}

function Field(props: {
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  hint?: string;
  required?: boolean;
  minLength?: number;
  autoFocus?: boolean;
}) {
  const id = useId();
  const [visible, setVisible] = useState(false);
  const password = props.type === 'password';
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="field__control">
        <input
          id={id}
          type={password && visible ? 'text' : (props.type ?? 'text')}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          autoComplete={props.autoComplete}
          required={props.required ?? true}
          minLength={props.minLength}
          autoFocus={props.autoFocus}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
        />
        {password ? (
          <button
            type="button"
            className="field__reveal"
            aria-pressed={visible}
            aria-label={t('auth.showPassword')}
            onClick={() => setVisible((v) => !v)}
          >
            <Icon name={visible ? 'eyeOff' : 'eye'} width={18} height={18} />
          </button>
        ) : null}
      </div>
      {props.hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** First run (create the admin), sign-in, and sign-up when the server's policy allows it. */
export function AuthScreen({ server, notice }: { server: ServerInfo; notice: PlainKey | null }) {
  const { t, locale } = useI18n();
  const session = useSession();
  const [mode, setMode] = useState<Mode>(server.initialized ? 'sign-in' : 'first-run');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [inviteCode, setInviteCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const canSignUp = server.signupPolicy !== 'closed';
  const invite = server.signupPolicy === 'invite';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setWorking(true);
    try {
      if (mode === 'sign-in') await session.signIn(email.trim(), password);
      else
        await session.signUp({
          email: email.trim(),
          password,
          ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          ...(mode === 'sign-up' && invite ? { inviteCode: inviteCode.trim() } : {}),
        });
    } catch (err) {
      setError(failureText({ t, locale }, err));
      setWorking(false);
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
  };

  const titles: Record<Mode, [PlainKey, PlainKey, PlainKey]> = {
    'first-run': ['auth.firstRun.title', 'auth.firstRun.subtitle', 'auth.firstRun.submit'],
    'sign-in': ['auth.signIn.title', 'auth.signIn.subtitle', 'auth.signIn.submit'],
    'sign-up': [
      'auth.signUp.title',
      invite ? 'auth.signUp.inviteSubtitle' : 'auth.signUp.subtitle',
      'auth.signUp.submit',
    ],
  };
  const [title, subtitle, action] = titles[mode];

  return (
    <AuthFrame>
      <h1>{t(title)}</h1>
      <p className="auth__subtitle">{t(subtitle)}</p>
      {notice && mode === 'sign-in' ? <p className="notice">{t(notice)}</p> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate={false}>
        {mode !== 'sign-in' ? (
          <Field
            label={t('auth.displayName')}
            value={displayName}
            onChange={setDisplayName}
            autoComplete="name"
            required={false}
          />
        ) : null}
        <Field
          label={t('auth.email')}
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="email"
          autoFocus={mode === 'sign-in'}
        />
        <Field
          label={t('auth.password')}
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          minLength={mode === 'sign-in' ? 1 : 8}
          hint={mode === 'sign-in' ? undefined : t('auth.passwordHint')}
        />
        {mode === 'sign-up' && invite ? (
          <Field
            label={t('auth.inviteCode')}
            value={inviteCode}
            onChange={setInviteCode}
            autoComplete="off"
          />
        ) : null}
        {error ? (
          <p className="form__error" role="alert">
            <Icon name="warning" width={18} height={18} />
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--wide" disabled={working}>
          {working ? t('auth.working') : t(action)}
        </button>
      </form>
      {mode === 'sign-in' ? <PasskeySignIn /> : null}
      {mode === 'sign-in' && canSignUp ? (
        <p className="auth__switch">
          {t('auth.signIn.noAccount')}{' '}
          <button type="button" className="link-button" onClick={() => switchTo('sign-up')}>
            {t('auth.signIn.toSignUp')}
          </button>
        </p>
      ) : null}
      {mode === 'sign-up' ? (
        <p className="auth__switch">
          {t('auth.signUp.haveAccount')}{' '}
          <button type="button" className="link-button" onClick={() => switchTo('sign-in')}>
            {t('auth.signUp.toSignIn')}
          </button>
        </p>
      ) : null}
    </AuthFrame>
  );
}
