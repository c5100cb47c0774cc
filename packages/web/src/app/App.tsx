import { lazy, Suspense, useEffect } from 'react';
import { AuthScreen } from '../auth/AuthScreen.tsx';
import { PendingScreen } from '../auth/PendingScreen.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ToastProvider } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session/session.tsx';
import { LibraryProvider } from '../timeline/library.tsx';
import { TimelinePage } from '../timeline/TimelinePage.tsx';
import { UploadProvider } from '../upload/Uploads.tsx';
import { Link, useLocation, type Route } from './router.tsx';
import { Brand, Shell } from './Shell.tsx';
import { NotMePage } from '../security/NotMePage.tsx';

// Pages other than the timeline load on first visit, keeping the initial bundle small.
const AlbumsPage = lazy(() => import('../albums/AlbumsPage.tsx'));
const AlbumPage = lazy(() => import('../albums/AlbumPage.tsx'));
const TrashPage = lazy(() => import('../trash/TrashPage.tsx'));
const DevicesPage = lazy(() => import('../devices/DevicesPage.tsx'));
const SecurityPage = lazy(() => import('../security/SecurityPage.tsx'));
const AdminPage = lazy(() => import('../admin/AdminPage.tsx'));
const ExplainPage = lazy(() => import('../evidence/ExplainPage.tsx'));

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="empty">
      <h1>{t('common.notFound.title')}</h1>
      <p>{t('common.notFound.body')}</p>
      <Link href="/" className="button">
        {t('common.backHome')}
      </Link>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'timeline':
      return <TimelinePage />;
    case 'albums':
      return <AlbumsPage />;
    case 'album':
      return <AlbumPage id={route.id} />;
    case 'trash':
      return <TrashPage />;
    case 'devices':
      return <DevicesPage />;
    case 'security':
      return <SecurityPage />;
    case 'admin':
      return <AdminPage tab={route.tab} />;
    case 'device-explain':
      return <ExplainPage kind="device" id={route.id} />;
    case 'photo-explain':
      return <ExplainPage kind="photo" id={route.id} />;
    case 'not-found':
      return <NotFound />;
  }
}

const TITLES: Record<
  Route['name'],
  | 'nav.photos'
  | 'nav.albums'
  | 'nav.trash'
  | 'nav.devices'
  | 'nav.security'
  | 'nav.admin'
  | 'explain.page.title'
  | 'common.notFound.title'
> = {
  timeline: 'nav.photos',
  albums: 'nav.albums',
  album: 'nav.albums',
  trash: 'nav.trash',
  devices: 'nav.devices',
  security: 'nav.security',
  admin: 'nav.admin',
  'device-explain': 'explain.page.title',
  'photo-explain': 'explain.page.title',
  'not-found': 'common.notFound.title',
};

function SignedIn() {
  const { t } = useI18n();
  const { route } = useLocation();
  useEffect(() => {
    document.title = `${t(TITLES[route.name])} · ${t('app.name')}`;
  }, [route.name, t]);
  return (
    <LibraryProvider>
      <UploadProvider>
        <Shell>
          <Suspense fallback={<Spinner label={t('app.loading')} />}>
            <Page route={route} />
          </Suspense>
        </Shell>
      </UploadProvider>
    </LibraryProvider>
  );
}

/** Chooses the screen from the session: first run, sign-in, waiting for approval, or the library. */
export function App() {
  const { t } = useI18n();
  const { state, retry } = useSession();
  const { pathname, search } = useLocation();

  useEffect(() => {
    if (state.kind !== 'ready') document.title = t('app.name');
  }, [state.kind, t]);

  // The "This wasn't me" link of a notice e-mail works signed in or not, on any device.
  if (pathname === '/not-me') return <NotMePage token={search.get('token')} />;

  let screen;
  switch (state.kind) {
    case 'loading':
      screen = (
        <div className="splash">
          <Brand />
          <Spinner label={t('app.loading')} />
        </div>
      );
      break;
    case 'offline':
      screen = (
        <div className="splash" role="alert">
          <Brand />
          <p>{t('app.offline')}</p>
          <button type="button" className="button button--primary" onClick={retry}>
            {t('app.retry')}
          </button>
        </div>
      );
      break;
    case 'signed-out':
      screen = <AuthScreen server={state.server} notice={state.notice} />;
      break;
    case 'waiting':
      screen = <PendingScreen me={state.me} />;
      break;
    case 'ready':
      screen = <SignedIn />;
      break;
  }
  return <ToastProvider>{screen}</ToastProvider>;
}
