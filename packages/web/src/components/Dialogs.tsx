import { useId, useState, type ReactNode } from 'react';
import { failureText } from '../api/problem-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from './Dialog.tsx';

/**
 * A dialog that does one thing: Cancel, and a submit button that is disabled while the action runs (and until
 * `canSubmit`); if the action fails, the reason shows as an alert and the dialog stays open to try again.
 */
export function ActionDialog(props: {
  title: string;
  tone?: 'default' | 'danger';
  submitLabel: string;
  canSubmit?: boolean;
  /** Runs on submit; the caller closes the dialog when it succeeds. */
  onSubmit: () => Promise<void>;
  onClose: () => void;
  /** The failure in words; by default the problem code's sentence in the reader's language (api/problem-text.ts). */
  describeError?: (err: unknown) => string;
  children?: ReactNode;
}) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = props.canSubmit !== false;
  const submit = () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    props.onSubmit().catch((err: unknown) => {
      setBusy(false);
      setError(props.describeError ? props.describeError(err) : failureText({ t, locale }, err));
    });
  };
  const danger = props.tone === 'danger';
  return (
    <Dialog
      title={props.title}
      tone={props.tone}
      onClose={props.onClose}
      onSubmit={submit}
      actions={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className={danger ? 'button button--danger-solid' : 'button button--primary'}
            disabled={busy || !ready}
          >
            {props.submitLabel}
          </button>
        </>
      }
    >
      {props.children}
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

/** Asks before something that cannot be undone; shows the server's reason if it then fails. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  return (
    <ActionDialog
      title={props.title}
      tone="danger"
      submitLabel={props.confirmLabel}
      onSubmit={props.onConfirm}
      onClose={props.onClose}
    >
      <p>{props.body}</p>
    </ActionDialog>
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
  const id = useId();
  const [name, setName] = useState(props.initial ?? '');
  return (
    <ActionDialog
      title={props.title}
      submitLabel={props.submitLabel}
      canSubmit={name.trim() !== ''}
      onSubmit={() => props.onSubmit(name.trim())}
      onClose={props.onClose}
    >
      <div className="field">
        <label htmlFor={id}>{props.label}</label>
        <input id={id} value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
      </div>
    </ActionDialog>
  );
}
