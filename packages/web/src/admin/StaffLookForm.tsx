import { useId, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A staff look at someone's records: what to look at (`children`), the reason (required, recorded with the look
 * before the server answers, as the hint says), the submit button, and the failure below as an alert.
 */
export function StaffLookForm(props: {
  reason: string;
  onReasonChange: (reason: string) => void;
  submitLabel: string;
  onSubmit: (e: FormEvent) => void;
  error: string | null;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const hintId = useId();
  return (
    <>
      <form className="admin-row" onSubmit={props.onSubmit}>
        {props.children}
        <label className="field">
          <span>{t('support.reason')}</span>
          <input
            value={props.reason}
            maxLength={500}
            onChange={(e) => props.onReasonChange(e.target.value)}
            aria-describedby={hintId}
            required
          />
        </label>
        <button type="submit" className="button button--primary">
          {props.submitLabel}
        </button>
      </form>
      <p className="field__hint" id={hintId}>
        {t('support.recordedHint')}
      </p>
      {props.error ? (
        <p className="form__error" role="alert">
          {props.error}
        </p>
      ) : null}
    </>
  );
}
