import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, call, onAuthProblem, token, type ServerInfo, type WhoAmI } from '../api/client.tsx';
import type { PlainKey } from '../i18n/translate.ts';
import { adoptInstallationId, describeThisBrowser } from './device.tsx';
import { deviceCredentials } from './device-credential.ts';
import { getPasskey } from '../auth/passkey.ts';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'offline'; reason: string }
  | { kind: 'signed-out'; server: ServerInfo; notice: PlainKey | null }
  /** Signed in on a device the account has not let in (pending, or denied / removed while waiting). */
  | { kind: 'waiting'; server: ServerInfo; me: WhoAmI }
  | { kind: 'ready'; server: ServerInfo; me: WhoAmI };

export interface SignUpForm {
  email: string;
  password: string;
  displayName?: string;
  inviteCode?: string;
}

export interface Session {
  state: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  /** Discoverable passkey: no e-mail, no password (see docs/web.md for what it does on a new device). */
  signInWithPasskey: () => Promise<void>;
  signUp: (form: SignUpForm) => Promise<void>;
  signOut: (notice?: PlainKey | null) => Promise<void>;
  /**
   * The server already ended this session (the live channel said so, or the account is gone): forget the token and
   * show `notice`, without a sign-out request that could only fail.
   */
  ended: (notice: PlainKey) => void;
  /** Asks the server again who this token is; moves between waiting and ready. */
  refresh: () => Promise<WhoAmI | null>;
  retry: () => void;
}

const SessionContext = createContext<Session | null>(null);

/**
 * What a browser is told when the server ends its session, by the reason the live channel gives
 * (`session.revoked` reasons in packages/server): a waiting browser refused on a trusted device hears that it was
 * refused, not removed.
 */
export function endedNotice(reason: string, waiting: boolean): PlainKey {
  switch (reason) {
    case 'enrolment-denied':
      return 'auth.deviceDenied';
    case 'enrolment-expired':
    case 'enrolment-failed':
      return 'auth.enrolmentEnded';
    case 'device-removed':
      return waiting ? 'auth.deviceRemoved' : 'auth.sessionEnded';
    default:
      return waiting ? 'auth.waitingEnded' : 'auth.sessionEnded';
  }
}

function stateFor(server: ServerInfo, me: WhoAmI): SessionState {
  return me.device.status === 'trusted' ? { kind: 'ready', server, me } : { kind: 'waiting', server, me };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  const serverOf = (s: SessionState): ServerInfo | null => ('server' in s ? s.server : null);

  useEffect(() => {
    let cancelled = false;
    // Errors end in the offline state inside, so nothing is left to await.
    void (async () => {
      try {
        const server = await call(api.GET('/server'));
        if (!token.get()) {
          if (!cancelled) setState({ kind: 'signed-out', server, notice: null });
          return;
        }
        try {
          const me = await call(api.GET('/me'));
          if (!cancelled) setState(stateFor(server, me));
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 401) throw err;
          token.clear();
          if (!cancelled) setState({ kind: 'signed-out', server, notice: 'auth.sessionEnded' });
        }
      } catch (err) {
        if (!cancelled)
          setState({ kind: 'offline', reason: err instanceof Error ? err.message : String(err) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const refresh = useCallback(async (): Promise<WhoAmI | null> => {
    try {
      const me = await call(api.GET('/me'));
      setState((s) => {
        const server = serverOf(s);
        return server ? stateFor(server, me) : s;
      });
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null; // onAuthProblem signs out
      throw err;
    }
  }, []);

  useEffect(
    () =>
      onAuthProblem((problem) => {
        if (problem === 'unauthenticated') {
          token.clear();
          setState((s) => {
            // Already signed out (e.g. the account was just deleted): a late 401 must not replace its notice.
            if (s.kind === 'signed-out') return s;
            const server = serverOf(s);
            // A waiting browser cannot tell here whether it was refused, removed or timed out (the live channel
            // says which, and usually first): the notice does not guess.
            const notice = s.kind === 'waiting' ? 'auth.waitingEnded' : 'auth.sessionEnded';
            return server ? { kind: 'signed-out', server, notice } : s;
          });
        } else {
          void refresh().catch(() => undefined);
        }
      }),
    [refresh],
  );

  // A browser trusted before device credentials existed asks for its own while its session works.
  const readyEmail = state.kind === 'ready' ? state.me.account.email : null;
  useEffect(() => {
    if (!readyEmail || deviceCredentials.forEmail(readyEmail)) return;
    call(api.POST('/devices/me/credential'))
      .then((issued) => deviceCredentials.keep(readyEmail, issued.deviceCredential))
      .catch(() => undefined); // already given one (409): it signs in again with approval
  }, [readyEmail]);

  const signIn = useCallback(async (email: string, password: string) => {
    const deviceCredential = deviceCredentials.forEmail(email);
    const device = describeThisBrowser();
    const result = await call(
      api.POST('/auth/sign-in', { body: { email, password, device, deviceCredential } }),
    );
    deviceCredentials.keep(result.account.email, result.deviceCredential);
    adoptInstallationId(result.installationId);
    token.set(result.token);
    const me: WhoAmI = { account: result.account, device: result.device, session: result.session };
    setState((s) => {
      const server = serverOf(s);
      return server ? stateFor({ ...server, initialized: true }, me) : s;
    });
  }, []);

  const signInWithPasskey = useCallback(async () => {
    const options = await call(api.POST('/auth/passkey/options'));
    const credential = await getPasskey(options);
    const deviceCredential = deviceCredentials.latest();
    const device = describeThisBrowser();
    const result = await call(
      api.POST('/auth/passkey/sign-in', { body: { credential, device, deviceCredential } }),
    );
    deviceCredentials.keep(result.account.email, result.deviceCredential);
    adoptInstallationId(result.installationId);
    token.set(result.token);
    const me: WhoAmI = { account: result.account, device: result.device, session: result.session };
    setState((s) => {
      const server = serverOf(s);
      return server ? stateFor(server, me) : s;
    });
  }, []);

  const signUp = useCallback(
    async (form: SignUpForm) => {
      await call(api.POST('/accounts', { body: form }));
      await signIn(form.email, form.password);
    },
    [signIn],
  );

  /** Shows the signed-out screen with `notice`, unless a specific notice is already showing. */
  const settleSignedOut = useCallback((notice: PlainKey | null) => {
    setState((s) => {
      // The live channel's generic "session ended" must not replace the specific notice of the action that ended
      // it a moment earlier (account deleted, this device removed).
      if (s.kind === 'signed-out' && s.notice && notice === 'auth.sessionEnded') return s;
      const server = serverOf(s);
      return server ? { kind: 'signed-out', server, notice } : s;
    });
  }, []);

  const signOut = useCallback(
    async (notice: PlainKey | null = null) => {
      if (token.get()) await call(api.POST('/auth/sign-out')).catch(() => undefined);
      token.clear();
      settleSignedOut(notice);
    },
    [settleSignedOut],
  );

  const ended = useCallback(
    (notice: PlainKey) => {
      token.clear();
      settleSignedOut(notice);
    },
    [settleSignedOut],
  );

  const retry = useCallback(() => {
    setState({ kind: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<Session>(
    () => ({ state, signIn, signInWithPasskey, signUp, signOut, ended, refresh, retry }),
    [state, signIn, signInWithPasskey, signUp, signOut, ended, refresh, retry],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() outside <SessionProvider>');
  return value;
}

/** The signed-in, trusted session; only for components rendered in the app shell. */
export function useMe(): WhoAmI {
  const { state } = useSession();
  if (state.kind !== 'ready') throw new Error('useMe() without a trusted session');
  return state.me;
}
