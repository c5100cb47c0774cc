import { useId, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { ActionDialog } from '../components/Dialogs.tsx';
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
  const { email } = props.account;
  const remove = async () => {
    const body = { reason: reason.trim(), ...(password ? { password } : {}) };
    await call(api.DELETE('/admin/accounts/{id}', { params: { path: { id: props.account.id } }, body }));
    props.onDeleted(t('admin.accounts.deleted', { email }));
  };
  return (
    <ActionDialog
      title={t('admin.accounts.deleteFor', { email })}
      tone="danger"
      submitLabel={t('admin.accounts.delete')}
      canSubmit={reason.trim() !== ''}
      onSubmit={remove}
      onClose={props.onClose}
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
    </ActionDialog>
  );
}
