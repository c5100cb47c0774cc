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
}

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
