import type { Place } from '@shoebox/shared';

/** What a security notice says, in words a person can act on. */
export interface Notice {
  subject: string;
  lines: string[];
  /** The device the notice is about, for "This wasn't me". */
  deviceId: string | null;
  /** Another recipient than the account's current address (an address change tells the old one). */
  to?: string | null;
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
  problem?: string;
  detail?: string;
  /** account.email-changed: the address before and after. */
  previousEmail?: string;
  email?: string;
  /** security.not-me: the address put back, when the removed device had changed it. */
  restoredEmail?: string;
  /** enrolment.*: the trusted device that allowed or refused the new one, if one did. */
  decidedBy?: { name?: string } | null;
}

/** How each factor let a new device in, for the owner. */
const FACTOR_WORDS: Record<string, string> = {
  'trusted-device': 'allowed on one of your trusted devices',
  totp: 'with a code from your authenticator app',
  passkey: 'with one of your passkeys',
  'email-code': 'with a code e-mailed to you',
  'recovery-code': 'with one of your recovery codes',
};

/** What each risk signal means, for the owner. */
const RISK_WORDS: Record<string, string> = {
  'new-country': 'from a country none of your last 10 sign-ins came from',
  'impossible-travel': 'too far from your previous sign-in to have travelled there since',
  'concurrent-far-session': 'while another of your devices was in use more than 500 km away',
  'dormant-account': 'the first sign-in in over 90 days',
  'copied-installation-id': 'with the id of one of your trusted devices but without its secret credential',
};

/** What each witness alarm (audit/audit.alarms.ts) means, for the owner. */
const ALARM_WORDS: Record<string, string> = {
  'rolled-back': 'went back to an earlier state: entries it had already signed are gone',
  'two-roots': 'showed two different histories of the same length',
  inconsistent: 'no longer extends the history your device had verified: history was rewritten',
  'bad-signature': 'was not signed with the log’s key',
  'key-changed': 'is now signed with a different key',
  'log-damaged': 'is damaged: stored entries are missing or altered',
};

const where = (d: RequestData) =>
  `${d.place?.label ?? 'an unknown place'} (IP ${d.ip ?? d.lastIp ?? 'unknown'})`;
const what = (d: RequestData) =>
  [d.device?.name, d.device?.model ? `(${d.device.model})` : null, d.device?.os ? `— ${d.device.os}` : null]
    .filter(Boolean)
    .join(' ');

const stamp = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * The facts every notice about an ended attempt repeats, so the owner can tell their own device from a stranger's:
 * the device, where its sign-in came from, and when it signed in and when the attempt ended (`ended`: the time).
 */
function attemptLines(data: RequestData, ended: string, verb: string): string[] {
  const requested = data.requestedAt ? stamp(new Date(data.requestedAt)) : null;
  return [
    `Device: ${what(data) || 'unknown'}.`,
    `Where: ${where(data)}.`,
    `When: ${requested ? `signed in ${requested}, ` : ''}${verb} ${ended}.`,
  ];
}

/** Turns an account message into a notice; null for messages that are not worth an e-mail. */
export function noticeFor(event: string, data: RequestData, at: Date): Notice | null {
  const time = stamp(at);
  // The decision's own time, when the message carries it (the e-mail may go out a little later).
  const decided = data.at ? stamp(new Date(data.at)) : time;
  const device = what(data) || 'A new device';
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
        lines: [
          `${device} can now see and add to your library: it was let in ${FACTOR_WORDS[data.factor ?? ''] ?? 'by a second factor'}${data.decidedBy?.name ? ` (${data.decidedBy.name})` : ''}.`,
          ...attemptLines(data, decided, 'approved'),
        ],
        deviceId,
      };
    case 'enrolment.denied':
      return {
        subject: 'You refused a new device',
        lines: [
          `${device} was refused${data.decidedBy?.name ? ` on ${data.decidedBy.name}` : ''}: it was signed out and got nothing from your library.`,
          ...attemptLines(data, decided, 'refused'),
          'Whoever signed in knows your password: if it was not you, change it.',
        ],
        deviceId,
      };
    case 'enrolment.expired':
      return {
        subject: 'A sign-in request expired',
        lines: [
          `${device} asked to join your library but was not let in within 10 minutes: it was signed out.`,
          ...attemptLines(data, decided, 'expired'),
          'Whoever signed in knows your password: if it was not you, change it.',
        ],
        deviceId,
      };
    case 'enrolment.failed':
      return {
        subject: 'Wrong approval codes on a new device',
        lines: [
          `${device} typed 5 wrong approval codes: the attempt ended and it was signed out.`,
          ...attemptLines(data, decided, 'ended'),
          'Whoever signed in knows your password: if it was not you, change it.',
        ],
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
          `${data.factor === 'totp' ? 'An authenticator app' : data.factor === 'passkey' ? 'A passkey' : 'New recovery codes'} ${event === 'factor.added' ? 'set up' : 'removed'} on ${what(data) || 'a device'} at ${time} (IP ${data.ip ?? 'unknown'}).`,
        ],
        deviceId,
      };
    case 'password.changed':
      return {
        subject: 'Your Shoebox password was changed',
        lines: [`Your password was changed on ${what(data) || 'a device'} at ${time}, from ${where(data)}.`],
        deviceId,
      };
    case 'account.email-changed':
      return {
        subject: 'Your Shoebox e-mail address was changed',
        lines: [
          `Your e-mail was changed to ${data.email ?? 'another address'} on ${what(data) || 'a device'} at ${time}, from ${where(data)}.`,
          'From now on you sign in with the new address, and notices go there.',
        ],
        deviceId,
        // The old address is the one to tell: whoever made the change already holds the new one.
        to: data.previousEmail ?? null,
      };
    case 'security.not-me':
      return {
        subject: 'A device was removed: "This wasn\'t me"',
        lines: [
          `At ${time} "This wasn't me" removed a device from your account and signed it out.`,
          'Change your password from one of your trusted devices: until then no new device can sign in with it.',
          ...(data.restoredEmail
            ? [`That device had changed your e-mail address; it is ${data.restoredEmail} again.`]
            : []),
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
    case 'audit.alarm':
      return {
        subject: 'AUDIT ALARM: your Shoebox server’s log does not add up',
        lines: [
          `At ${time} one of your devices found that the server’s tamper-evident log ${ALARM_WORDS[data.problem ?? ''] ?? 'does not add up'}.`,
          `It said: ${data.detail ?? 'no details'}`,
          'Both signed checkpoints it saw are kept in your account’s activity; keep this e-mail as evidence too.',
        ],
        deviceId: null,
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
