import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A tiny History-API router: the app has a handful of routes, a library would be most of its code. */
export type Route =
  | { name: 'timeline' }
  | { name: 'albums' }
  | { name: 'album'; id: string }
  | { name: 'trash' }
  | { name: 'devices' }
  | { name: 'security' }
  | { name: 'admin'; tab: AdminTab }
  | { name: 'device-explain'; id: string }
  | { name: 'photo-explain'; id: string }
  | { name: 'not-found' };

export type AdminTab = 'accounts' | 'fleet' | 'support';
const ADMIN_TABS: readonly string[] = ['accounts', 'fleet', 'support'];

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  // The explain reports: /devices/:id/explain and /photos/:id/explain.
  if (second !== undefined && rest.length === 1 && rest[0] === 'explain') {
    if (first === 'devices') return { name: 'device-explain', id: second };
    if (first === 'photos') return { name: 'photo-explain', id: second };
  }
  if (rest.length > 0) return { name: 'not-found' };
  if (first === undefined) return { name: 'timeline' };
  if (first === 'albums') return second === undefined ? { name: 'albums' } : { name: 'album', id: second };
  if (first === 'admin') {
    const tab = second ?? 'accounts';
    return ADMIN_TABS.includes(tab) ? { name: 'admin', tab: tab as AdminTab } : { name: 'not-found' };
  }
  if (second !== undefined) return { name: 'not-found' };
  if (first === 'trash') return { name: 'trash' };
  if (first === 'devices') return { name: 'devices' };
  if (first === 'security') return { name: 'security' };
  if (first === 'photos') return { name: 'timeline' };
  return { name: 'not-found' };
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}
const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) history.replaceState(options.state ?? null, '', to);
  else history.pushState(options.state ?? null, '', to);
  for (const listener of listeners) listener();
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
  route: Route;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, route: parseRoute(url.pathname) };
}

/** `?view=<photo id>` opens the viewer over the current page, so Back closes it. */
export function useViewerParam(): [string | null, (id: string | null) => void] {
  const { search } = useLocation();
  const current = search.get('view');
  const set = useCallback((id: string | null) => {
    const url = new URL(window.location.href);
    const opened = url.searchParams.has('view');
    if (id === null) {
      if (opened && (history.state as { viewer?: boolean } | null)?.viewer) history.back();
      else {
        url.searchParams.delete('view');
        navigate(url.pathname + url.search, { replace: true });
      }
      return;
    }
    url.searchParams.set('view', id);
    navigate(url.pathname + url.search, { replace: opened, state: { viewer: true } });
  }, []);
  return [current, set];
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
