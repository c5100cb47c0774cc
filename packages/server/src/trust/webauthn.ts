import type { WebAuthnCredential } from '@shoebox/shared';
import { AppError } from '../errors.ts';

/** The relying party of a WebAuthn ceremony: the RP id (a domain) and the origins the browser may report. */
export interface RelyingParty {
  id: string;
  origins: string[];
}

/** A challenge is good for one ceremony during 5 minutes. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * The relying party for a request. With `publicUrl` configured (production) it is fixed: its origin, and `rpId`
 * or its host name. Without it, the address the browser used (Host header) stands in, so a fresh install on
 * `http://localhost:2283` works; an IP address can never be an RP id, browsers refuse it.
 */
export function relyingPartyFor(config: { publicUrl?: string | undefined; rpId?: string | undefined }) {
  return (requestUrl: string): RelyingParty => {
    const base = new URL(config.publicUrl ?? requestUrl);
    return { id: config.rpId ?? base.hostname, origins: [base.origin] };
  };
}

/** The challenge the browser signed, read from the credential's client data (base64url JSON). */
export function challengeOf(credential: WebAuthnCredential): string {
  const raw = credential.response['clientDataJSON'];
  try {
    if (typeof raw !== 'string') throw new Error('no client data');
    const data = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof data.challenge !== 'string' || data.challenge.length === 0) throw new Error('no challenge');
    return data.challenge;
  } catch {
    throw new AppError('bad_request', 'The passkey answer is malformed.');
  }
}

/** The user handle a discoverable credential returned (the account id it was registered for), if any. */
export function userHandleOf(credential: WebAuthnCredential): string | null {
  const handle = credential.response['userHandle'];
  return typeof handle === 'string' && handle ? Buffer.from(handle, 'base64url').toString('utf8') : null;
}

export const flags = (r: { user_verified: number; backup_eligible: number; backed_up: number }) => ({
  userVerified: r.user_verified === 1,
  backupEligible: r.backup_eligible === 1,
  backedUp: r.backed_up === 1,
});
