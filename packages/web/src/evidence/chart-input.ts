// What the timeline draws, gathered from the explain report, the account's devices and its activity: the report
// knows each uploading device's sign-in and its uploads; the activity adds the other sign-ins and approvals.
import type { PlaceLike } from '../components/place-names.ts';
import type { ExplainReport, SignInEvidence } from './report-types.ts';
import type { Moment, TimelineInput, UnlistedUploads, UploadTime } from './timeline-data.ts';

export interface DeviceLike {
  id: string;
  name: string;
  firstSignInAt: string;
}

export interface ActivityLike {
  id: string;
  at: string;
  kind: string;
  device: { id: string; name: string } | null;
  place: PlaceLike | null;
}

const ACTIVITY_MOMENTS: Record<string, Moment['kind']> = {
  'sign-in.succeeded': 'sign-in',
  'enrolment.approved': 'approval',
  'enrolment.requested': 'request',
};

export function chartInput(
  report: ExplainReport,
  devices: readonly DeviceLike[],
  activity: readonly ActivityLike[],
  placeName: (place: PlaceLike) => string,
): TimelineInput {
  const where = (place: PlaceLike | null) => (place ? placeName(place) : null);
  const moments = new Map<number, Moment>();
  const add = (m: Moment & { seq: number }) => {
    if (!moments.has(m.seq)) moments.set(m.seq, m);
  };
  const fromSignIn = (deviceId: string, s: SignInEvidence | null) => {
    if (!s) return;
    add({ deviceId, at: Date.parse(s.at), kind: 'sign-in', place: where(s.place), seq: s.cite.seq });
    const { enrolment, approval } = s;
    if (enrolment)
      add({
        deviceId,
        at: Date.parse(enrolment.at),
        kind: 'request',
        place: where(enrolment.place),
        seq: enrolment.cite.seq,
      });
    if (approval)
      add({ deviceId, at: Date.parse(approval.at), kind: 'approval', place: null, seq: approval.cite.seq });
  };
  fromSignIn(report.device.id, report.deviceSignIn);
  for (const g of report.groups) if (g.device) fromSignIn(g.device.id, g.signIn);
  for (const item of activity) {
    const kind = ACTIVITY_MOMENTS[item.kind];
    if (!kind || !item.device) continue;
    add({
      deviceId: item.device.id,
      at: Date.parse(item.at),
      kind,
      place: where(item.place),
      seq: Number(item.id),
    });
  }

  const uploads: UploadTime[] = [];
  const unlisted: UnlistedUploads[] = [];
  for (const g of report.groups) {
    // Shared photos were uploaded by another account's devices, and anomalies by no known one: no lane of ours.
    if (!g.device || g.origin === 'anomaly' || g.origin === 'shared-in') continue;
    const deviceId = g.device.id;
    for (const p of g.photos) uploads.push({ deviceId, at: Date.parse(p.uploadedAt) });
    const rest = g.count - g.photos.length;
    const lastListed = g.photos.at(-1)?.uploadedAt ?? g.first;
    if (rest > 0 && lastListed && g.last)
      unlisted.push({ deviceId, from: Date.parse(lastListed), to: Date.parse(g.last), count: rest });
  }

  const byFirstSignIn = [...devices].sort((a, b) => a.firstSignInAt.localeCompare(b.firstSignInAt));
  const lanes = [
    { id: report.device.id, name: report.device.name },
    ...byFirstSignIn.filter((d) => d.id !== report.device.id).map((d) => ({ id: d.id, name: d.name })),
  ];
  // Devices named only by the report (another account's, in an anomaly) keep their names too.
  for (const g of report.groups)
    if (g.device && !lanes.some((l) => l.id === g.device?.id))
      lanes.push({ id: g.device.id, name: g.device.name });
  return { lanes, moments: [...moments.values()], uploads, unlisted };
}
