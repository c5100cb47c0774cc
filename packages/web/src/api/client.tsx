import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Photo = Schemas['Photo'];
export type Album = Schemas['Album'];
export type Device = Schemas['Device'];
export type WhoAmI = Schemas['WhoAmI'];
export type ServerInfo = Schemas['ServerInfo'];
export type Problem = Schemas['Problem'];
export type UploadResult = Schemas['UploadResult'];
export type DeviceDescription = Schemas['DeviceDescription'];
export type EnrolmentRequest = Schemas['EnrolmentRequest'];

const TOKEN_KEY = 'shoebox.token';

/** The session token, kept in localStorage so a reload stays signed in. */
export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (value: string) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

export { ApiError } from './api-error.ts';
import { ApiError } from './api-error.ts';

export const NETWORK_ERROR = 'network_error';

type AuthProblem = 'unauthenticated' | 'device_pending' | 'device_not_trusted';
const authListeners = new Set<(problem: AuthProblem) => void>();

/** Tells the session when any call finds the token dead or the device no longer trusted. */
export function onAuthProblem(listener: (problem: AuthProblem) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

const auth: Middleware = {
  onRequest({ request }) {
    const value = token.get();
    if (value && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${value}`);
    return request;
  },
  async onResponse({ response }) {
    if ((response.status === 401 || response.status === 403) && token.get()) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as Partial<Problem> | null;
      // A 401 can also be a wrong approval code (invalid_credentials): only a dead session signs out.
      // An expired session (30 days, or 7 idle) ends like a revoked one: sign in again.
      const code = body?.code === 'session_expired' ? 'unauthenticated' : body?.code;
      if (code === 'unauthenticated' || code === 'device_pending' || code === 'device_not_trusted') {
        for (const listener of authListeners) listener(code);
      }
    }
    return response;
  },
};

/** The one typed client of the public API; every call of the app goes through it. */
export const api = createClient<paths>({ baseUrl: '/api' });
api.use(auth);

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the problem's detail. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
  }
  if (!result.response.ok) throw ApiError.fromProblem(result.response.status, result.error);
  return result.data as T;
}

export type MediaVariant = 'thumbnail' | 'preview' | 'original';

/** `<img>` cannot send headers, so media URLs carry the token as `access_token`. */
export function mediaUrl(id: string, variant: MediaVariant, options: { download?: boolean } = {}): string {
  const params = new URLSearchParams({ access_token: token.get() ?? '' });
  if (options.download) params.set('download', '1');
  return `/api/photos/${encodeURIComponent(id)}/${variant}?${params.toString()}`;
}

/** Runs `task` over `items` with at most `limit` at a time; resolves to each item's outcome, in order. */
export async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
