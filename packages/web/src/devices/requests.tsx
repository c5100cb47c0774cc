import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, call, type EnrolmentRequest } from '../api/client.tsx';

interface EnrolmentRequests {
  requests: EnrolmentRequest[];
  reload: () => void;
}

const RequestsContext = createContext<EnrolmentRequests | null>(null);

const POLL_MS = 10_000;

/**
 * Devices waiting to be let in to the account, shared by the approval banner and the Devices page. The live socket
 * (session/live.tsx) reloads them the moment the server pushes an `enrolment.*` event; polling every 10 s while the
 * page is visible covers a socket that is down.
 */
export function EnrolmentRequestsProvider({ children }: { children: ReactNode }) {
  const [requests, setRequests] = useState<EnrolmentRequest[]>([]);
  const reload = useCallback(() => {
    call(api.GET('/enrolments'))
      .then((list) => setRequests(list.items))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    reload();
    const visible = () => document.visibilityState === 'visible';
    const timer = window.setInterval(() => {
      if (visible()) reload();
    }, POLL_MS);
    const onVisible = () => {
      if (visible()) reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  const value = useMemo(() => ({ requests, reload }), [requests, reload]);
  return <RequestsContext.Provider value={value}>{children}</RequestsContext.Provider>;
}

export function useEnrolmentRequests(): EnrolmentRequests {
  const value = useContext(RequestsContext);
  if (!value) throw new Error('useEnrolmentRequests() outside <EnrolmentRequestsProvider>');
  return value;
}
