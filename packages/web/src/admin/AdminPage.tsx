import { Link, type AdminTab } from '../app/router.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { AccountsPanel } from './AccountsPanel.tsx';
import { FleetPanel } from './FleetPanel.tsx';
import { SupportPanel } from './SupportPanel.tsx';
import './admin.css';

const TABS: {
  tab: AdminTab;
  href: string;
  label: 'admin.tab.accounts' | 'admin.tab.fleet' | 'admin.tab.support';
}[] = [
  { tab: 'accounts', href: '/admin', label: 'admin.tab.accounts' },
  { tab: 'fleet', href: '/admin/fleet', label: 'admin.tab.fleet' },
  { tab: 'support', href: '/admin/support', label: 'admin.tab.support' },
];

/**
 * Server administration (lazy-loaded: most people never open it). Admins manage accounts and sign-up; admins and
 * support staff import fleet records and look at an account's records with a stated reason.
 */
export default function AdminPage({ tab }: { tab: AdminTab }) {
  const { t } = useI18n();
  const role = useMe().account.role;
  const isAdmin = role === 'admin';
  if (!isAdmin && role !== 'support') {
    return (
      <div className="empty" role="alert" data-testid="admin-forbidden">
        <h1>{t('admin.forbidden.title')}</h1>
        <p>{t('admin.forbidden.body')}</p>
        <Link href="/" className="button">
          {t('common.backHome')}
        </Link>
      </div>
    );
  }
  // Support staff cannot manage accounts; they start on the fleet tab.
  const tabs = TABS.filter((x) => isAdmin || x.tab !== 'accounts');
  const current = !isAdmin && tab === 'accounts' ? 'fleet' : tab;
  return (
    <div className="page page--narrow security admin">
      <div className="page-head page-head--stack">
        <h1>{t('admin.title')}</h1>
        <nav className="admin-tabs" aria-label={t('admin.title')}>
          {tabs.map((x) => (
            <Link
              key={x.tab}
              href={x.href}
              className="admin-tabs__link"
              aria-current={x.tab === current ? 'page' : undefined}
            >
              {t(x.label)}
            </Link>
          ))}
        </nav>
      </div>
      {current === 'accounts' ? <AccountsPanel /> : null}
      {current === 'fleet' ? <FleetPanel canImport={isAdmin} /> : null}
      {current === 'support' ? <SupportPanel canList={isAdmin} /> : null}
    </div>
  );
}
