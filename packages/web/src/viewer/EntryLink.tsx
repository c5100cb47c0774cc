import type { ReactNode } from 'react';
import { Link } from '../app/router.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import './entry-link.css';

/** Part of the provenance sentence as a link to the activity entry it rests on (plain text when none is cited). */
export function EntryLink({
  cite,
  children,
}: {
  cite: { seq: number } | null | undefined;
  children: ReactNode;
}) {
  const { t } = useI18n();
  if (!cite) return <>{children}</>;
  return (
    <Link
      href={`/security?entry=${cite.seq}`}
      className="provenance__entry"
      title={t('links.openEntry', { seq: cite.seq })}
    >
      {children}
    </Link>
  );
}
