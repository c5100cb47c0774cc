import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from './Dialog.tsx';

/** Asks before something that cannot be undone; shows the server's reason if it then fails. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = () => {
    setBusy(true);
    props.onConfirm().catch((err: unknown) => {
      setBusy(false);
      setError(err instanceof Error ? err.message : String(err));
    });
  };
  return (
    <Dialog
      title={props.title}
      tone="danger"
      onClose={props.onClose}
      onSubmit={confirm}
      actions={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--danger-solid" disabled={busy}>
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <p>{props.body}</p>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

/** One text field in a dialog: naming or renaming an album. */
export function NameDialog(props: {
  title: string;
  label: string;
  initial?: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState(props.initial ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!name.trim()) return;
    setBusy(true);
    props.onSubmit(name.trim()).catch((err: unknown) => {
      setBusy(false);
      setError(err instanceof Error ? err.message : String(err));
    });
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      onSubmit={submit}
      actions={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
            {props.submitLabel}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={id}>{props.label}</label>
        <input id={id} value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
      </div>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
