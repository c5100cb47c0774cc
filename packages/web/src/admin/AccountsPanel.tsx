import { useCallback, useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { CreateAccountSection, SignupPolicySection } from './AccountForms.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Account = Schemas['Account'];
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Accounts of the server: list, create, invite, support role, and the sign-up policy. */
export function AccountsPanel() {
  const { t, fmt } = useI18n();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call(api.GET('/admin/accounts'))
      .then((list) => setAccounts(list.items))
      .catch((err: unknown) => setError(reason(err)));
  }, []);
  useEffect(load, [load]);

  const run = async (action: () => Promise<string>) => {
    setError(null);
    setMessage(null);
    try {
      setMessage(await action());
      load();
      return true;
    } catch (err) {
      setError(reason(err));
      return false;
    }
  };
  const setRole = (account: Account, role: 'user' | 'support') =>
    void run(async () => {
      await call(
        api.PUT('/admin/accounts/{id}/role', { params: { path: { id: account.id } }, body: { role } }),
      );
      return t('admin.accounts.roleChanged', { email: account.email, role: t(`admin.role.${role}`) });
    });

  return (
    <>
      <SignupPolicySection run={run} />
      <CreateAccountSection run={run} />
      <section className="card security__section" aria-labelledby="admin-accounts">
        <h2 id="admin-accounts">{t('admin.accounts.title')}</h2>
        {message ? <p role="status">{message}</p> : null}
        {error ? (
          <p className="form__error" role="alert">
            {error}
          </p>
        ) : null}
        {accounts === null && !error ? <Spinner label={t('app.loading')} /> : null}
        {accounts ? (
          <div className="table-scroll">
            <table className="admin-table" data-testid="accounts">
              <thead>
                <tr>
                  <th>{t('auth.email')}</th>
                  <th className="hide-narrow">{t('auth.displayName')}</th>
                  <th>{t('admin.accounts.role')}</th>
                  <th className="hide-narrow">{t('admin.accounts.created')}</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id} data-email={a.email}>
                    <td>{a.email}</td>
                    <td className="hide-narrow">{a.displayName}</td>
                    <td>
                      {a.role === 'admin' ? (
                        t('admin.role.admin')
                      ) : (
                        <select
                          aria-label={t('admin.accounts.roleFor', { email: a.email })}
                          value={a.role}
                          onChange={(e) => setRole(a, e.target.value === 'support' ? 'support' : 'user')}
                        >
                          <option value="user">{t('admin.role.user')}</option>
                          <option value="support">{t('admin.role.support')}</option>
                        </select>
                      )}
                    </td>
                    <td className="hide-narrow">{fmt.date(a.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
