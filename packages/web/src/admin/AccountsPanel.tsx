import { useCallback, useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { ConfirmDialog } from '../components/Dialogs.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { CreateAccountSection, SignupPolicySection } from './AccountForms.tsx';
import { InvitesSection } from './InvitesSection.tsx';
import { AdminTable, EmailText } from './AdminTable.tsx';
import { DeleteAccountDialog } from './DeleteAccountDialog.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';

type Account = Schemas['Account'];
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Accounts of the server: list, create, invite, support role, and the sign-up policy. */
export function AccountsPanel() {
  const { t, fmt } = useI18n();
  const me = useMe().account.id;
  const [tick, setTick] = useState(0);
  const [disabling, setDisabling] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
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
      setTick((n) => n + 1);
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
  const setDisabled = (account: Account, disable: boolean) =>
    run(async () => {
      const params = { params: { path: { id: account.id } } };
      if (disable) await call(api.POST('/admin/accounts/{id}/disable', params));
      else await call(api.POST('/admin/accounts/{id}/enable', params));
      return t(disable ? 'admin.accounts.disabled' : 'admin.accounts.enabled', { email: account.email });
    });

  const roleCell = (a: Account) =>
    a.role === 'admin' ? (
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
    );
  const statusCell = (a: Account) => (
    <>
      {a.disabledAt ? t('admin.accounts.disabledSince', { time: fmt.dateTime(a.disabledAt) }) : null}
      {a.disabledAt ? ' ' : null}
      {a.id === me ? (
        t('admin.accounts.you')
      ) : (
        <>
          <button
            type="button"
            className="button"
            aria-label={t(a.disabledAt ? 'admin.accounts.enableFor' : 'admin.accounts.disableFor', {
              email: a.email,
            })}
            onClick={() => (a.disabledAt ? void setDisabled(a, false) : setDisabling(a))}
          >
            {t(a.disabledAt ? 'admin.accounts.enable' : 'admin.accounts.disable')}
          </button>{' '}
          <button
            type="button"
            className="button button--danger"
            aria-label={t('admin.accounts.deleteFor', { email: a.email })}
            onClick={() => setDeleting(a)}
          >
            {t('admin.accounts.delete')}
          </button>
        </>
      )}
    </>
  );

  return (
    <>
      <SignupPolicySection run={run} />
      <InvitesSection run={run} tick={tick} />
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
          <AdminTable
            testId="accounts"
            rows={accounts}
            rowKey={(a) => a.id}
            rowData={(a) => ({ 'data-email': a.email })}
            columns={[
              { header: t('auth.email'), keepWhole: true, cell: (a) => <EmailText email={a.email} /> },
              { header: t('admin.accounts.name'), wide: true, cell: (a) => a.displayName },
              { header: t('admin.accounts.role'), cell: roleCell },
              { header: t('admin.accounts.created'), wide: true, cell: (a) => fmt.date(a.createdAt) },
              { header: t('admin.accounts.status'), cellTestId: 'account-status', cell: statusCell },
            ]}
          />
        ) : null}
      </section>
      {disabling ? (
        <ConfirmDialog
          title={t('admin.accounts.disableFor', { email: disabling.email })}
          body={t('admin.accounts.disableConfirm', { email: disabling.email })}
          confirmLabel={t('admin.accounts.disable')}
          onClose={() => setDisabling(null)}
          onConfirm={async () => {
            await setDisabled(disabling, true);
            setDisabling(null);
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteAccountDialog
          account={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={(done) => {
            setDeleting(null);
            void run(() => Promise.resolve(done));
          }}
        />
      ) : null}
    </>
  );
}
