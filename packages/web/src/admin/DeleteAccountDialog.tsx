import { useId, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** The admin deletes an account: a plain warning and a reason, which goes on the admin's own audit log. */
export function DeleteAccountDialog(props: {
  account: Schemas['Account'];
  onDeleted: (message: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { email } = props.account;
  const submit = () => {
    if (!reason.trim()) return;
    setBusy(true);
    setError(null);
    const body = { reason: reason.trim(), ...(password ? { password } : {}) };
    call(api.DELETE('/admin/accounts/{id}', { params: { path: { id: props.account.id } }, body }))
      .then(() => props.onDeleted(t('admin.accounts.deleted', { email })))
      .catch((err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err.message : String(err));
      });
  };
  return (
    <Dialog
      title={t('admin.accounts.deleteFor', { email })}
      tone="danger"
      onClose={props.onClose}
      onSubmit={submit}
      actions={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--danger-solid" disabled={busy || !reason.trim()}>
            {t('admin.accounts.delete')}
          </button>
        </>
      }
    >
      <p>{t('admin.accounts.deleteWarning', { email })}</p>
      <label className="field" htmlFor={`${id}-reason`}>
        <span>{t('admin.accounts.deleteReason')}</span>
        <textarea
          id={`${id}-reason`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          maxLength={500}
          rows={3}
        />
      </label>
      <label className="field" htmlFor={`${id}-password`}>
        <span>{t('admin.accounts.deletePassword')}</span>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
