import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AppEnv } from './context.ts';

export type Authenticate = (token: string, ip: string | null) => Promise<Principal | null>;

/** Says why a refused token is refused (an expired session is told apart from an unknown or revoked one). */
export type WhyRefused = (token: string) => Promise<AppError>;

/** Reads `Authorization: Bearer <token>` and puts the principal on the context; 401 when missing or dead. */
export function requireSession(
  authenticate: Authenticate,
  whyRefused?: WhyRefused,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization')) ?? c.req.query('access_token');
    if (!token) throw new AppError('unauthenticated', 'Sign in first: this request has no session token.');
    const principal = await authenticate(token, c.get('ip'));
    if (!principal) {
      if (whyRefused) throw await whyRefused(token);
      throw new AppError('unauthenticated', 'The session has ended or was revoked; sign in again.');
    }
    c.set('principal', principal);
    await next();
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
