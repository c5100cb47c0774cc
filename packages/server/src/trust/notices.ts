import type { Place } from '@shoebox/shared';

/** What a security notice says, in words a person can act on. */
export interface Notice {
  subject: string;
  lines: string[];
  /** The device the notice is about, for "This wasn't me". */
  deviceId: string | null;
}

interface RequestData {
  device?: { id?: string; name?: string; model?: string | null; os?: string | null };
  ip?: string | null;
  place?: Place | null;
  requestedAt?: string;
  deviceId?: string;
  consecutive?: number;
  lastIp?: string | null;
  factor?: string;
  remaining?: number;
  riskFlags?: string[];
  at?: string;
}

/** What each risk signal means, for the owner. */
const RISK_WORDS: Record<string, string> = {
  'new-country': 'from a country none of your last 10 sign-ins came from',
  'impossible-travel': 'too far from your previous sign-in to have travelled there since',
  'concurrent-far-session': 'while another of your devices was in use more than 500 km away',
  'dormant-account': 'the first sign-in in over 90 days',
};

const where = (d: RequestData) =>
  `${d.place?.label ?? 'an unknown place'} (IP ${d.ip ?? d.lastIp ?? 'unknown'})`;
const what = (d: RequestData) =>
  [d.device?.name, d.device?.model ? `(${d.device.model})` : null, d.device?.os ? `— ${d.device.os}` : null]
    .filter(Boolean)
    .join(' ');

/** Turns an account message into a notice; null for messages that are not worth an e-mail. */
export function noticeFor(event: string, data: RequestData, at: Date): Notice | null {
  const time = at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const deviceId = data.device?.id ?? data.deviceId ?? null;
  switch (event) {
    case 'enrolment.requested':
      return {
        subject: 'A new device wants to join your Shoebox library',
        lines: [
          `Someone signed in to your account with your password on a new device: ${what(data)}.`,
          `Where: ${where(data)}. When: ${data.requestedAt ?? time}.`,
          'It can see or add nothing until you allow it on one of your trusted devices.',
        ],
        deviceId,
      };
    case 'enrolment.approved':
      return {
        subject: 'A new device was let in to your Shoebox library',
        lines: [`A new device was approved at ${time}.`],
        deviceId,
      };
    case 'enrolment.denied':
      return {
        subject: 'You refused a new device',
        lines: [`A sign-in request was refused at ${time}; that device was signed out.`],
        deviceId,
      };
    case 'enrolment.expired':
      return {
        subject: 'A sign-in request expired',
        lines: [`A new device's request was not answered within 10 minutes (${time}).`],
        deviceId,
      };
    case 'enrolment.failed':
      return {
        subject: 'Wrong approval codes on a new device',
        lines: [`A new device typed 5 wrong approval codes; the attempt ended at ${time}.`],
        deviceId,
      };
    case 'sign-in.half-finished':
      return {
        subject: 'Someone knows your Shoebox password',
        lines: [
          `Someone signed in with your password on ${what(data) || 'a new device'} but did not finish signing in within 3 minutes.`,
          `Where: ${where(data)}. When: ${data.requestedAt ?? time}.`,
          'If this was not you, change your password now.',
        ],
        deviceId,
      };
    case 'recovery-code.used':
      return {
        subject: 'A recovery code was used on your Shoebox account',
        lines: [
          `A recovery code let ${what(data) || 'a device'} in to your library at ${time}.`,
          `Where: ${where(data)}. Recovery codes left: ${data.remaining ?? 'unknown'}.`,
        ],
        deviceId,
      };
    case 'factor.added':
    case 'factor.removed':
      return {
        subject:
          event === 'factor.added'
            ? 'A sign-in factor was added to your Shoebox account'
            : 'A sign-in factor was removed from your Shoebox account',
        lines: [
          `${data.factor === 'totp' ? 'An authenticator app' : 'New recovery codes'} ${event === 'factor.added' ? 'set up' : 'removed'} on ${what(data) || 'a device'} at ${time} (IP ${data.ip ?? 'unknown'}).`,
        ],
        deviceId,
      };
    case 'password.changed':
      return {
        subject: 'Your Shoebox password was changed',
        lines: [`Your password was changed on ${what(data) || 'a device'} at ${time}, from ${where(data)}.`],
        deviceId,
      };
    case 'security.not-me':
      return {
        subject: 'A device was removed: "This wasn\'t me"',
        lines: [
          `At ${time} "This wasn't me" removed a device from your account and signed it out.`,
          'Change your password from one of your trusted devices: until then no new device can sign in with it.',
        ],
        // The removed device is gone already; a link here would have nothing left to remove.
        deviceId: null,
      };
    case 'sign-in.risk':
      return {
        subject: 'An unusual sign-in to your Shoebox account',
        lines: [
          `Someone signed in to your account with your password on ${what(data) || 'a device'}.`,
          `Where: ${where(data)}. When: ${data.at ?? time}.`,
          `It looks unusual: ${(data.riskFlags ?? []).map((f) => RISK_WORDS[f] ?? f).join('; ')}.`,
          'If this was not you, use the link below and change your password.',
        ],
        deviceId,
      };
    case 'sign-in.failures':
      return {
        subject: 'Failed sign-ins to your Shoebox account',
        lines: [
          `There were ${data.consecutive ?? 'several'} failed sign-ins in a row, the last from IP ${data.lastIp ?? 'unknown'} at ${time}.`,
        ],
        deviceId: null,
      };
    default:
      return null;
  }
}
