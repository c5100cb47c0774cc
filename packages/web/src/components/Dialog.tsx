import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children?: ReactNode;
  /** Buttons of the footer; a submit button submits `onSubmit`. */
  actions: ReactNode;
  onSubmit?: () => void;
  tone?: 'default' | 'danger';
}

/** A modal on the native <dialog>: focus is trapped, Esc closes, and the page behind is inert. */
export function Dialog({ title, onClose, children, actions, onSubmit, tone = 'default' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      opener?.focus?.();
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit?.();
  };

  return (
    <dialog ref={ref} className={`dialog dialog--${tone}`} aria-labelledby={titleId}>
      <form method="dialog" onSubmit={submit}>
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        {children ? <div className="dialog__body">{children}</div> : null}
        <div className="dialog__actions">{actions}</div>
      </form>
    </dialog>
  );
}
