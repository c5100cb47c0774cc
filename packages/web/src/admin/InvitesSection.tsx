import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Run } from './AccountForms.tsx';

/** Invites not yet used, each revocable; `tick` changes whenever the panel did something (e.g. a new invite). */
export function InvitesSection({ run, tick }: { run: Run; tick: number }) {
  const { t, fmt } = useI18n();
  const [invites, setInvites] = useState<Schemas['Invite'][] | null>(null);
  useEffect(() => {
    call(api.GET('/admin/invites'))
      .then((list) => setInvites(list.items))
      .catch(() => setInvites([]));
  }, [tick]);
  const revoke = (invite: Schemas['Invite']) =>
    void run(async () => {
      await call(api.DELETE('/admin/invites/{id}', { params: { path: { id: invite.id } } }));
      return t('admin.invites.revoked', { email: invite.email });
    });
  return (
    <section className="card security__section" aria-labelledby="admin-invites">
      <h2 id="admin-invites">{t('admin.invites.title')}</h2>
      {invites && invites.length === 0 ? <p>{t('admin.invites.none')}</p> : null}
      {invites && invites.length > 0 ? (
        <div className="table-scroll">
          <table className="admin-table" data-testid="invites">
            <thead>
              <tr>
                <th>{t('auth.email')}</th>
                <th>{t('admin.invites.expires')}</th>
                <th>
                  <span className="visually-hidden">{t('admin.invites.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((i) => (
                <tr key={i.id} data-email={i.email}>
                  <td>{i.email}</td>
                  <td>{i.expired ? t('admin.invites.expired') : fmt.dateTime(i.expiresAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      aria-label={t('admin.invites.revokeFor', { email: i.email })}
                      onClick={() => revoke(i)}
                    >
                      {t('admin.invites.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
