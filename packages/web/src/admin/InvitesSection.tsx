import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Run } from './AccountForms.tsx';
import { AdminTable } from './AdminTable.tsx';

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
        <AdminTable
          testId="invites"
          rows={invites}
          rowKey={(i) => i.id}
          rowData={(i) => ({ 'data-email': i.email })}
          columns={[
            { header: t('auth.email'), cell: (i) => i.email },
            {
              header: t('admin.invites.expires'),
              cell: (i) => (i.expired ? t('admin.invites.expired') : fmt.dateTime(i.expiresAt)),
            },
            {
              header: t('admin.invites.revoke'),
              hiddenHeader: true,
              cell: (i) => (
                <button
                  type="button"
                  className="button"
                  aria-label={t('admin.invites.revokeFor', { email: i.email })}
                  onClick={() => revoke(i)}
                >
                  {t('admin.invites.revoke')}
                </button>
              ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}
