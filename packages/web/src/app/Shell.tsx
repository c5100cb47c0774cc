import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Icon, type IconName } from '../components/Icon.tsx';
import { ApprovalBanner } from '../devices/ApprovalBanner.tsx';
import { EnrolmentRequestsProvider } from '../devices/requests.tsx';
import { LiveUpdates } from '../session/live.tsx';
import { WitnessBanner } from '../session/witness.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { LOCALES, isLocale, type PlainKey } from '../i18n/translate.ts';
import { useMe, useSession } from '../session/session.tsx';
import { useUploads } from '../upload/Uploads.tsx';
import { Link, useLocation, type Route } from './router.tsx';

const NAV: { href: string; label: PlainKey; icon: IconName; matches: Route['name'][]; staff?: boolean }[] = [
  { href: '/', label: 'nav.photos', icon: 'photos', matches: ['timeline', 'photo-explain'] },
  { href: '/albums', label: 'nav.albums', icon: 'albums', matches: ['albums', 'album'] },
  { href: '/trash', label: 'nav.trash', icon: 'trash', matches: ['trash'] },
  { href: '/devices', label: 'nav.devices', icon: 'devices', matches: ['devices', 'device-explain'] },
  { href: '/security', label: 'nav.security', icon: 'shield', matches: ['security'] },
  // Only admins and support staff see the admin pages (the server refuses everyone else anyway).
  { href: '/admin', label: 'nav.admin', icon: 'settings', matches: ['admin'], staff: true },
];

export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className={`language${compact ? ' language--compact' : ''}`}>
      <Icon name="globe" width={18} height={18} />
      <span className="visually-hidden">{t('nav.language')}</span>
      <select
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Brand() {
  const { t } = useI18n();
  return (
    <span className="brand">
      <span className="brand__mark" aria-hidden="true" />
      <span className="brand__name">{t('app.name')}</span>
    </span>
  );
}

function AccountMenu() {
  const { t } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const name = me.account.displayName || me.account.email;
  return (
    <div className="account" ref={box}>
      <button
        type="button"
        className="account__button"
        aria-expanded={open}
        aria-haspopup="true"
        aria-label={`${t('nav.account')}: ${name}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
      </button>
      {open ? (
        <div className="account__menu">
          <div className="account__who">
            <strong>{name}</strong>
            <span>{me.account.email}</span>
          </div>
          <button type="button" className="menu-item" onClick={() => void signOut()}>
            <Icon name="signOut" />
            {t('nav.signOut')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** The signed-in frame: header with navigation, upload and language; a tab bar replaces the nav on phones. */
export function Shell({ children }: { children: ReactNode }) {
  return (
    <EnrolmentRequestsProvider>
      <Frame>{children}</Frame>
    </EnrolmentRequestsProvider>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const uploads = useUploads();
  const role = useMe().account.role;
  const staff = role === 'admin' || role === 'support';

  const links = NAV.filter((item) => staff || !item.staff).map((item) => {
    const current = item.matches.includes(route.name);
    return (
      <Link
        key={item.href}
        href={item.href}
        className="nav__link"
        aria-current={current ? 'page' : undefined}
      >
        <Icon name={item.icon} />
        <span>{t(item.label)}</span>
      </Link>
    );
  });

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <Link href="/" className="topbar__brand">
          <Brand />
        </Link>
        <nav className="nav nav--top" aria-label={t('nav.main')}>
          {links}
        </nav>
        <div className="topbar__tools">
          <button type="button" className="button button--primary upload-button" onClick={uploads.openPicker}>
            <Icon name="upload" />
            <span className="upload-button__label">{t('nav.upload')}</span>
          </button>
          <LanguageSelect compact />
          <AccountMenu />
        </div>
      </header>
      {route.name !== 'devices' ? <ApprovalBanner /> : null}
      <WitnessBanner />
      <LiveUpdates />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <nav className="nav nav--bottom" aria-label={t('nav.main')}>
        {links}
      </nav>
    </div>
  );
}
