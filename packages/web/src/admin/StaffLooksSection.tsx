import { useCallback, useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';

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
        <div className="table-scroll">
          <table className="admin-table" data-testid="staff-looks">
            <thead>
              <tr>
                <th>{t('staffLooks.when')}</th>
                <th>{t('staffLooks.who')}</th>
                <th>{t('staffLooks.account')}</th>
                <th className="hide-narrow">{t('staffLooks.what')}</th>
                <th>{t('staffLooks.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {looks.map((l) => (
                <tr key={l.seq}>
                  <td>{fmt.dateTime(l.at)}</td>
                  <td>{l.staff.email ?? l.staff.id}</td>
                  <td>{l.account ? (l.account.email ?? l.account.id) : t('staffLooks.noAccount')}</td>
                  <td className="hide-narrow">
                    <code>{l.scope}</code>
                  </td>
                  <td>{l.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next !== null ? (
        <button type="button" className="button" onClick={() => load(next)}>
          {t('staffLooks.more')}
        </button>
      ) : null}
    </section>
  );
}
