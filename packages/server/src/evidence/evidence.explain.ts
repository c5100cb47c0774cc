// "Why is this photo on my device?" for every photo at once: each photo is matched to its upload
// entry, that entry's session to its sign-in, the device to its enrolment, all from the account's
// own log. Whatever cannot be matched is an anomaly, the most serious finding.
import type {
  EvidenceDevice,
  ExplainGroup,
  ExplainPhoto,
  ExplainReport,
  SharedIn,
  SignInEvidence,
} from '@shoebox/shared';
import type { DeviceRow } from '../adapters/db/schema.ts';
import { iso } from '../platform/clock.ts';
import { findings } from './evidence.findings.ts';
import { problem, uploadProblems, type Problem } from './evidence.problems.ts';
import type { FeedRow } from '../sync/delivery-rule.ts';
import { cite, deliveryOf, ownRows, placeOf, signInEvidence, str, type Ledger } from './evidence.ledger.ts';
import type { SharedPhoto } from './evidence.shared.ts';
import type { EvidencePhotoRow, LoggedEvent } from './evidence.store.ts';

export interface ExplainInput {
  accountId: string;
  device: DeviceRow;
  devices: ReadonlyMap<string, DeviceRow>;
  photos: readonly EvidencePhotoRow[];
  addedAt: ReadonlyMap<string, number>;
  /** The account's feed rows of each photo after its `photo.added` (shared photos: all of them). */
  laterRows: ReadonlyMap<string, FeedRow[]>;
  /** Photos of other accounts seen through albums. */
  shared: readonly SharedPhoto[];
  ledger: Ledger;
  scope: ExplainReport['scope'];
  /** Most photos listed per group (counts and places always cover all). */
  limit: number;
}

export function evidenceDevice(row: DeviceRow, accountId: string): EvidenceDevice {
  const { id, name, model, serial, status } = row;
  return { id, name, model, serial, status, foreign: row.account_id !== accountId };
}

interface Bucket {
  key: string;
  origin: ExplainGroup['origin'];
  device: DeviceRow | undefined;
  signIn: SignInEvidence | null;
  sharedIn: SharedIn | null;
  photos: Entry[];
}

/** A photo as matched, kept lean: only the listed ones become ExplainPhotos (100,000 ISO strings cost ~0.2 s). */
interface Entry {
  photo: EvidencePhotoRow;
  at: number;
  upload: LoggedEvent | undefined;
  delivery: LoggedEvent | undefined;
  reasons: Problem[];
}

function toPhoto({ photo, at, upload, delivery, reasons }: Entry, anomaly: boolean): ExplainPhoto {
  return {
    photoId: photo.id,
    sha256: photo.sha256,
    uploadedAt: iso(at),
    ip: upload ? str(upload, 'ip') : photo.upload_ip,
    place: upload ? placeOf(upload) : null,
    cite: upload ? cite(upload) : null,
    deliveredAt: delivery ? iso(delivery.at) : null,
    deliveryCite: delivery ? cite(delivery) : null,
    ...(anomaly ? { reasons: reasons.map((r) => r.text), reasonCodes: reasons.map((r) => r.code) } : {}),
  };
}

export function explainReport(input: ExplainInput): Omit<ExplainReport, 'fleet' | 'logSize'> {
  const { accountId, device, devices, ledger, scope, limit } = input;
  const names = new Map([...devices.values()].map((d) => [d.id, d.name]));
  const signIns = new Map<string, SignInEvidence | null>();
  const signInOf = (sessionId: string) => {
    if (!signIns.has(sessionId))
      signIns.set(sessionId, signInEvidence(ledger, ledger.signInBySession.get(sessionId), names));
    return signIns.get(sessionId) ?? null;
  };
  const buckets = new Map<string, Bucket>();
  const add = (entry: Entry, bucket: Omit<Bucket, 'photos'>) => {
    const found = buckets.get(bucket.key) ?? { ...bucket, photos: [] };
    buckets.set(bucket.key, found);
    found.photos.push(entry);
  };
  let total = 0;
  let elsewhere = 0;
  for (const photo of input.photos) {
    const rows = ownRows(input.addedAt.get(photo.id), photo.change_id, input.laterRows.get(photo.id));
    const delivery = deliveryOf(ledger, device.id, rows);
    const upload = ledger.uploads.get(photo.id);
    const uploader = devices.get(photo.upload_device_id);
    const signIn = signInOf(photo.upload_session_id);
    const reasons = uploadProblems(photo, upload, uploader, signIn);
    const mine = photo.upload_device_id === device.id;
    if (scope === 'delivered' && !delivery && !mine) {
      if (reasons.length > 0) elsewhere++;
      continue;
    }
    total++;
    const origin: Bucket['origin'] = reasons.length > 0 ? 'anomaly' : mine ? 'this-device' : 'other-device';
    const key = origin === 'other-device' ? `device:${photo.upload_device_id}` : origin;
    const anomaly = origin === 'anomaly';
    add(
      { photo, at: upload?.at ?? photo.uploaded_at, upload, delivery, reasons },
      {
        key,
        origin,
        device: anomaly ? undefined : uploader,
        signIn: anomaly ? null : signIn,
        sharedIn: null,
      },
    );
  }
  // The other account's log is not this one's to read: a shared photo rests on the grant, not on its upload.
  for (const { photo, sharedIn } of input.shared) {
    const delivery = deliveryOf(ledger, device.id, input.laterRows.get(photo.id) ?? []);
    const reasons = sharedIn ? [] : [problem('not-shared')];
    if (scope === 'delivered' && !delivery) {
      if (!sharedIn) elsewhere++;
      continue;
    }
    total++;
    const entry = { photo, at: photo.uploaded_at, upload: undefined, delivery, reasons };
    const origin = sharedIn ? 'shared-in' : 'anomaly';
    const key = sharedIn ? `album:${sharedIn.albumId}` : origin;
    add(entry, { key, origin, device: undefined, signIn: null, sharedIn });
  }
  const order = ['anomaly', 'this-device', 'other-device', 'shared-in'];
  const groups = [...buckets.values()]
    .sort((a, b) => order.indexOf(a.origin) - order.indexOf(b.origin))
    .map((b) => toGroup(b, accountId, limit));
  const deviceSignIn = signInEvidence(ledger, ledger.signInsByDevice.get(device.id)?.[0], names);
  return {
    accountId,
    device: evidenceDevice(device, accountId),
    deviceSignIn,
    scope,
    total,
    groups,
    findings: findings(groups, device, elsewhere),
  };
}

function toGroup(b: Bucket, accountId: string, limit: number): ExplainGroup {
  const byTime = b.photos.sort((x, y) => x.at - y.at);
  const places = new Map<string, { label: string; count: number; first: number; last: number }>();
  for (const p of byTime) {
    const ip = p.upload ? str(p.upload, 'ip') : p.photo.upload_ip;
    const place = p.upload?.body['place'] as { label?: string } | null | undefined;
    const label = place?.label ?? (ip ? `unknown place (${ip})` : 'unknown place');
    const seen = places.get(label);
    if (seen) {
      seen.count++;
      seen.last = p.at;
    } else places.set(label, { label, count: 1, first: p.at, last: p.at });
  }
  const first = byTime[0];
  const last = byTime.at(-1);
  const anomaly = b.origin === 'anomaly';
  return {
    origin: b.origin,
    device: b.device ? evidenceDevice(b.device, accountId) : null,
    signIn: b.signIn,
    sharedIn: b.sharedIn,
    count: byTime.length,
    first: first ? iso(first.at) : null,
    last: last ? iso(last.at) : null,
    places: [...places.values()].map((p) => ({ ...p, first: iso(p.first), last: iso(p.last) })),
    // Anomalies are the point of the report: all of them, whatever the limit.
    photos: (anomaly ? byTime : byTime.slice(0, limit)).map((p) => toPhoto(p, anomaly)),
  };
}
