/*
 * The device credential: the secret the server gives this browser when it becomes trusted for an account (and
 * replaces at each trusted sign-in). Sent at sign-in, it lets the browser in again without approval; the
 * installation id alone does not. Kept in localStorage beside the installation id, per account e-mail; never
 * logged or shown.
 */

const CREDENTIALS_KEY = 'shoebox.deviceCredentials';

interface Held {
  byEmail: Record<string, string>;
  /** The account that signed in last: a passkey sign-in names no account before it answers. */
  last: string | null;
}

const normalise = (email: string) => email.trim().toLowerCase();

function read(): Held {
  try {
    const held = JSON.parse(localStorage.getItem(CREDENTIALS_KEY) ?? '') as Held;
    if (held && typeof held.byEmail === 'object') return held;
  } catch {
    // Nothing kept yet, or unreadable: this browser asks for approval again, as a new one would.
  }
  return { byEmail: {}, last: null };
}

export const deviceCredentials = {
  /** The credential for a password sign-in to `email`. */
  forEmail(email: string): string | undefined {
    return read().byEmail[normalise(email)];
  },

  /** The credential of the account signed in last (passkey sign-in). */
  latest(): string | undefined {
    const held = read();
    return held.last ? held.byEmail[held.last] : undefined;
  },

  keep(email: string, credential: string | undefined): void {
    if (!credential) return;
    const held = read();
    held.byEmail[normalise(email)] = credential;
    held.last = normalise(email);
    localStorage.setItem(CREDENTIALS_KEY, JSON.stringify(held));
  },
};
