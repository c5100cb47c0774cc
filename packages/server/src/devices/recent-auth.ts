import type { PasswordCheck } from '../accounts/password-check.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import { REAUTH_WINDOW_MS } from './session-lifetime.ts';

/** What a sensitive request brings as proof: the password, or nothing when the session proved itself lately. */
export interface ReauthProof {
  password?: string | undefined;
}

/**
 * The one rule for sensitive actions (second factors, recovery codes, passkeys, password and e-mail): the
 * password in the request, or a session that signed in or re-authenticated (`POST /api/session/reauth`) within
 * the last 15 minutes. A borrowed unlocked browser is not enough to lock the owner out. Wrong passwords count
 * as failed sign-ins (PasswordCheck). Refused with `reauth_required` (403: the session itself is fine).
 */
export function createRecentAuth(deps: { clock: Clock; checkPassword: PasswordCheck }) {
  const { clock, checkPassword } = deps;
  return async function requireRecentAuth(actor: Principal, proof: ReauthProof = {}): Promise<void> {
    if (proof.password !== undefined && proof.password !== '') {
      await checkPassword(actor, proof.password);
      return;
    }
    if (clock.now() - actor.session.authenticated_at < REAUTH_WINDOW_MS) return;
    throw new AppError(
      'reauth_required',
      'Confirm it is you: give your password, or re-authenticate (password or authenticator code) and retry within 15 minutes.',
      { reauth: '/api/session/reauth', windowSeconds: REAUTH_WINDOW_MS / 1000 },
    );
  };
}

export type RequireRecentAuth = ReturnType<typeof createRecentAuth>;
