import { useCallback, useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AdminTable } from './AdminTable.tsx';

type Look = Schemas['StaffLook'];

/** Admins: every staff look at an account's records, server-wide, newest first; `tick` reloads after a look. */
export function StaffLooksSection({ tick }: { tick: number }) {
  const { t, fmt } = useI18n();
  const [looks, setLooks] = useState<Look[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const load = useCallback((before?: number) => {
    const query = before === undefined ? { limit: 50 } : { limit: 50, before };
    call(api.GET('/admin/staff-looks', { params: { query } }))
      .then((page) => {
        setLooks((shown) => (before === undefined ? page.items : [...(shown ?? []), ...page.items]));
        setNext(page.nextBefore);
      })
      .catch(() => setLooks([]));
  }, []);
  useEffect(() => load(), [load, tick]);
  return (
    <section className="card security__section" aria-labelledby="staff-looks">
      <h2 id="staff-looks">{t('staffLooks.title')}</h2>
      <p>{t('staffLooks.body')}</p>
      {looks && looks.length === 0 ? <p>{t('staffLooks.none')}</p> : null}
      {looks && looks.length > 0 ? (
        <AdminTable
          testId="staff-looks"
          rows={looks}
          rowKey={(l) => l.seq}
          columns={[
            { header: t('staffLooks.when'), cell: (l) => fmt.dateTime(l.at) },
            { header: t('staffLooks.who'), cell: (l) => l.staff.email ?? l.staff.id },
            {
              header: t('staffLooks.account'),
              cell: (l) => (l.account ? (l.account.email ?? l.account.id) : t('staffLooks.noAccount')),
            },
            { header: t('staffLooks.what'), wide: true, cell: (l) => <code>{l.scope}</code> },
            { header: t('staffLooks.reason'), cell: (l) => l.reason },
          ]}
        />
      ) : null}
      {next !== null ? (
        <button type="button" className="button" onClick={() => load(next)}>
          {t('staffLooks.more')}
        </button>
      ) : null}
    </section>
  );
}
