// The account's log entries indexed for the questions evidence asks ("which sign-in opened this
// session?", "who let this device in?", "which acknowledged batch covered this change?"), built once
// per request so that answering for 100,000 photos is map lookups, not queries.
import type { AuditCitation, Place, SignInEvidence } from '@shoebox/shared';
import { riskFlagsIn } from '../audit/audit.event-row.ts';
import { iso } from '../platform/clock.ts';
import type { FeedRow } from '../sync/delivery-rule.ts';
import { deliveryIndex, type DeliveryIndex } from './evidence.delivery-index.ts';
import type { LoggedEvent } from './evidence.store.ts';

export interface Ledger {
  uploads: Map<string, LoggedEvent>;
  signInBySession: Map<string, LoggedEvent>;
  signInsByDevice: Map<string, LoggedEvent[]>;
  requestsByDevice: Map<string, LoggedEvent[]>;
  approvalByDevice: Map<string, LoggedEvent>;
  /** sync.delivered entries per device with their change ranges (from, to] and served heads, oldest first. */
  deliveriesByDevice: Map<string, Delivered[]>;
  firstSignIn: LoggedEvent | undefined;
}

export interface Delivered {
  from: number;
  to: number;
  /** The feed head the page was read at; entries from before it was logged read as `to`. */
  servedHead: number;
  event: LoggedEvent;
}

export const cite = (e: LoggedEvent): AuditCitation => ({ seq: e.seq, kind: e.kind });
export const str = (e: LoggedEvent, key: string): string | null => {
  const v = e.body[key];
  return typeof v === 'string' ? v : null;
};
const num = (e: LoggedEvent, key: string): number => Number(e.body[key] ?? NaN);
export const placeOf = (e: LoggedEvent): Place | null => (e.body['place'] as Place | null) ?? null;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `events` oldest first. Later duplicates of an upload (none expected) do not replace the first. */
export function buildLedger(events: readonly LoggedEvent[]): Ledger {
  const ledger: Ledger = {
    uploads: new Map(),
    signInBySession: new Map(),
    signInsByDevice: new Map(),
    requestsByDevice: new Map(),
    approvalByDevice: new Map(),
    deliveriesByDevice: new Map(),
    firstSignIn: undefined,
  };
  for (const e of events) {
    switch (e.kind) {
      case 'photo.uploaded': {
        const id = str(e, 'photoId');
        if (id && !ledger.uploads.has(id)) ledger.uploads.set(id, e);
        break;
      }
      case 'sign-in.succeeded': {
        const session = str(e, 'sessionId');
        const device = str(e, 'deviceId');
        if (session) ledger.signInBySession.set(session, e);
        if (device) push(ledger.signInsByDevice, device, e);
        ledger.firstSignIn ??= e;
        break;
      }
      case 'enrolment.requested': {
        const device = str(e, 'deviceId');
        if (device) push(ledger.requestsByDevice, device, e);
        break;
      }
      case 'enrolment.approved': {
        const device = str(e, 'enrolledDeviceId');
        if (device) ledger.approvalByDevice.set(device, e);
        break;
      }
      case 'sync.delivered': {
        const device = str(e, 'deviceId');
        const to = num(e, 'toChange');
        const head = num(e, 'servedHead');
        const range = {
          from: num(e, 'fromChange'),
          to,
          servedHead: Number.isFinite(head) ? head : to,
          event: e,
        };
        if (device) push(ledger.deliveriesByDevice, device, range);
        break;
      }
      default:
        break;
    }
  }
  return ledger;
}

/**
 * The first acknowledged batch of `deviceId` that brought the photo whose account feed rows (id order) are
 * `rows`, by the sync rule (sync/delivery-rule.ts): a range match alone would date a photo changed after a
 * page was served to a batch that left it for a later one.
 */
export function deliveryOf(
  ledger: Ledger,
  deviceId: string,
  rows: readonly FeedRow[],
): LoggedEvent | undefined {
  if (rows.length === 0) return undefined;
  const list = ledger.deliveriesByDevice.get(deviceId);
  if (!list) return undefined;
  let index = indexes.get(list);
  if (!index) indexes.set(list, (index = deliveryIndex(list)));
  return index.firstBringing(rows)?.event;
}

/** Each device's batch index, built on its first question (a ledger lives for one request). */
const indexes = new WeakMap<readonly Delivered[], DeliveryIndex<Delivered>>();

/**
 * An own photo's feed rows: its `photo.added` row (or, for a photo that never entered the feed, its latest
 * change standing in, as before) merged with its later rows.
 */
export function ownRows(
  added: number | undefined,
  fallback: number,
  later: readonly FeedRow[] = [],
): FeedRow[] {
  const first = { id: added ?? fallback, kind: 'photo.added' };
  if (later.length === 0) return [first];
  return [first, ...later.filter((r) => r.id !== first.id)].sort((a, b) => a.id - b.id);
}

/** A sign-in with its enrolment and approval, all from the log; `names` labels approving devices. */
export function signInEvidence(
  ledger: Ledger,
  signIn: LoggedEvent | undefined,
  names: ReadonlyMap<string, string>,
): SignInEvidence | null {
  if (!signIn) return null;
  const deviceId = str(signIn, 'deviceId') ?? '';
  const requests = ledger.requestsByDevice.get(deviceId) ?? [];
  const approved = ledger.approvalByDevice.get(deviceId);
  const enrolmentId = approved ? str(approved, 'enrolmentId') : null;
  const request = requests.find((r) => str(r, 'enrolmentId') === enrolmentId) ?? requests.at(-1);
  let approval: SignInEvidence['approval'] = null;
  if (approved) {
    const by = str(approved, 'deviceId');
    approval = {
      by: 'device',
      deviceId: by,
      deviceName: by ? (names.get(by) ?? null) : null,
      factor: str(approved, 'factor'),
      at: iso(approved.at),
      cite: cite(approved),
    };
  } else if (
    requests.length === 0 &&
    ledger.firstSignIn &&
    str(ledger.firstSignIn, 'deviceId') === deviceId
  ) {
    // The account's first device is trusted by creating the account; its first sign-in is the record.
    approval = {
      by: 'first-device',
      deviceId: null,
      deviceName: null,
      factor: null,
      at: iso(ledger.firstSignIn.at),
      cite: cite(ledger.firstSignIn),
    };
  }
  return {
    sessionId: str(signIn, 'sessionId') ?? '',
    at: iso(signIn.at),
    ip: str(signIn, 'ip'),
    place: placeOf(signIn),
    factors: Array.isArray(signIn.body['factors']) ? (signIn.body['factors'] as string[]) : [],
    riskFlags: riskFlagsIn(signIn.body),
    cite: cite(signIn),
    enrolment: request
      ? {
          id: str(request, 'enrolmentId') ?? '',
          at: iso(request.at),
          ip: str(request, 'ip'),
          place: placeOf(request),
          cite: cite(request),
        }
      : null,
    approval,
  };
}
