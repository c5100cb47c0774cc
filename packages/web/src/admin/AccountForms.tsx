import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Policy = 'open' | 'invite' | 'closed';
type Role = 'user' | 'support' | 'admin';
const POLICIES: Policy[] = ['open', 'invite', 'closed'];
const ROLES: Role[] = ['user', 'support', 'admin'];

/** Runs an admin action; resolves to whether it worked (the panel shows its message or the server's reason). */
export type Run = (action: () => Promise<string>) => Promise<boolean>;

/** Who may sign up (open, invite-only, closed), and invites for invite-only servers. */
export function SignupPolicySection({ run }: { run: Run }) {
  const { t, fmt } = useI18n();
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [inviteEmail, setInviteEmail] = useState('');
  const [invite, setInvite] = useState<{ code: string; email: string; expiresAt: string } | null>(null);
  useEffect(() => {
    call(api.GET('/server'))
      .then((info) => setPolicy(info.signupPolicy))
      .catch(() => undefined);
  }, []);
  const save = (next: Policy) => {
    setPolicy(next);
    void run(async () => {
      await call(api.PUT('/admin/signup-policy', { body: { signupPolicy: next } }));
      return t('admin.signup.saved', { policy: t(`admin.signup.${next}`) });
    });
  };
  const sendInvite = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await call(api.POST('/admin/invites', { body: { email: inviteEmail.trim() } }));
      setInvite(created);
      setInviteEmail('');
      return t('admin.invite.created', { email: created.email });
    });
  };
  return (
    <section className="card security__section" aria-labelledby="admin-signup">
      <h2 id="admin-signup">{t('admin.signup.title')}</h2>
      <label className="field">
        <span>{t('admin.signup.label')}</span>
        <select
          value={policy ?? ''}
          disabled={policy === null}
          onChange={(e) => {
            const next = POLICIES.find((p) => p === e.target.value);
            if (next) save(next);
          }}
        >
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {t(`admin.signup.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <form className="admin-row" onSubmit={sendInvite}>
        <label className="field">
          <span>{t('admin.invite.email')}</span>
          <input type="email" value={inviteEmail} onChange={(e) => setInviteEmail(e.target.value)} required />
        </label>
        <button type="submit" className="button">
          {t('admin.invite.submit')}
        </button>
      </form>
      {invite ? (
        <p className="notice" data-testid="invite-code">
          {t('admin.invite.code', { email: invite.email, time: fmt.dateTime(invite.expiresAt) })}{' '}
          <code>{invite.code}</code>
        </p>
      ) : null}
    </section>
  );
}

/** An admin creates an account directly, with any role. */
export function CreateAccountSection({ run }: { run: Run }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('user');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = {
        email: email.trim(),
        password,
        role,
        ...(name.trim() ? { displayName: name.trim() } : {}),
      };
      const created = await call(api.POST('/accounts', { body }));
      setEmail('');
      setName('');
      setPassword('');
      return t('admin.create.done', { email: created.email });
    }).then(() => undefined);
  };
  return (
    <section className="card security__section" aria-labelledby="admin-create">
      <h2 id="admin-create">{t('admin.create.title')}</h2>
      <form className="admin-row" onSubmit={submit}>
        <label className="field">
          <span>{t('auth.email')}</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="field">
          <span>{t('admin.accounts.name')}</span>
          <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            type="password"
            autoComplete="new-password"
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('admin.accounts.role')}</span>
          <select value={role} onChange={(e) => setRole(ROLES.find((r) => r === e.target.value) ?? 'user')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--primary">
          {t('admin.create.submit')}
        </button>
      </form>
    </section>
  );
}
