// An activity entry addressed by the URL (`/security?entry=SEQ`), as the viewer's provenance links address the
// entries they cite: the log scrolls to it and marks it. Uploads are not security activity, so an entry missing
// from the list is fetched on its own and shown, marked, above it.
import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useLocation } from '../app/router.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ACTIVITY_KINDS } from '@shoebox/shared/api/activity-kinds';
import './linked-entry.css';

type Kind = (typeof ACTIVITY_KINDS)[number];
const isKind = (kind: string): kind is Kind => (ACTIVITY_KINDS as readonly string[]).includes(kind);

function reveal(seq: string): void {
  const element = document.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
  element?.scrollIntoView({ block: 'center' });
  element?.focus({ preventScroll: true });
}

/** The entry the URL points at (its audit sequence number), revealed once the list has `loaded`. */
export function useLinkedEntry(loaded: boolean): string | null {
  const value = useLocation().search.get('entry');
  const linked = value !== null && /^\d+$/.test(value) ? value : null;
  useEffect(() => {
    if (linked && loaded) reveal(linked);
  }, [linked, loaded]);
  return linked;
}

/** A linked entry that is not in the activity list: the account's own audit event at that position. */
export function LinkedEntry({ seq }: { seq: string }) {
  const { t, fmt } = useI18n();
  const [event, setEvent] = useState<Schemas['AuditEvent'] | null>(null);
  useEffect(() => {
    let live = true;
    const cursor = Number(seq) > 0 ? String(Number(seq) - 1) : undefined;
    call(api.GET('/audit/events', { params: { query: { cursor, limit: 1 } } }))
      .then((page) => live && setEvent(page.items.find((e) => e.seq === Number(seq)) ?? null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [seq]);
  useEffect(() => {
    if (event) reveal(seq);
  }, [event, seq]);
  if (!event) return null;
  const kind = isKind(event.kind)
    ? t(`activity.kind.${event.kind}`)
    : event.kind === 'photo.uploaded'
      ? t('explain.kind.uploaded')
      : event.kind;
  return (
    <p className="activity__item is-linked" data-seq={seq} data-testid="linked-entry" tabIndex={-1}>
      <span className="mono">{t('links.entry', { seq })}</span> <strong>{kind}</strong> ·{' '}
      {fmt.dateTime(event.createdAt)}
    </p>
  );
}
