import type { SessionClient } from '../adapters/db/schema.ts';

const DAY_MS = 24 * 3600_000;

/** A browser session ends 30 days after sign-in, whatever happens... */
export const WEB_ABSOLUTE_MS = 30 * DAY_MS;
/** ...or after 7 days without a request, whichever comes first. */
export const WEB_IDLE_MS = 7 * DAY_MS;
/**
 * A device (CLI, sync agent) keeps its session while it is used and trusted: a phone that syncs every day should
 * never have to sign in again, but one left in a drawer for a quarter should. 90 days matches the "dormant
 * account" risk signal, so a device coming back after that signs in again and is flagged.
 */
export const DEVICE_IDLE_MS = 90 * DAY_MS;

/**
 * When a session expires if it is used at `now`. Stored in `sessions.expires_at`, so "is it expired?" and
 * "which sessions can housekeeping delete?" are one comparison. Web sessions slide by the idle limit up to their
 * absolute end; device sessions slide only while the device is trusted (a pending or denied device's session
 * keeps the expiry it got at sign-in).
 */
export function expiryAt(
  session: { client: SessionClient; created_at: number; expires_at: number },
  now: number,
  deviceTrusted: boolean,
): number {
  if (session.client === 'web') return Math.min(session.created_at + WEB_ABSOLUTE_MS, now + WEB_IDLE_MS);
  return deviceTrusted ? Math.max(session.expires_at, now + DEVICE_IDLE_MS) : session.expires_at;
}

/** The expiry a session gets at sign-in. */
export function initialExpiry(client: SessionClient, now: number): number {
  return client === 'web' ? now + WEB_IDLE_MS : now + DEVICE_IDLE_MS;
}

/** Sensitive actions need the password or a factor proved this recently (sign-in or re-authentication). */
export const REAUTH_WINDOW_MS = 15 * 60_000;
