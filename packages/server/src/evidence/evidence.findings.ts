// The explain report's findings in words, each citing the entries it rests on; anomalies first and one per photo.
import type {
  AuditCitation,
  ExplainFinding,
  ExplainGroup,
  FindingItem,
  FindingParams,
  SignInEvidence,
} from '@shoebox/shared';
import type { DeviceRow } from '../adapters/db/schema.ts';

function signInText(s: SignInEvidence | null): string {
  if (!s) return 'with no sign-in on record';
  const where = `${s.ip ?? 'unknown address'}${s.place ? ` (${s.place.label})` : ''}`;
  const how = s.factors.join('+') || 'no factor';
  const approval = !s.approval
    ? 'never approved'
    : s.approval.by === 'first-device'
      ? 'trusted as the account’s first device'
      : `approved from “${s.approval.deviceName ?? s.approval.deviceId ?? '?'}” (${s.approval.factor ?? '?'}) at ${s.approval.at}`;
  return `signed in at ${s.at} from ${where} with ${how}, ${approval}`;
}

/** The sign-in facts a client words itself (see signInText). */
function signInParams(s: SignInEvidence | null): FindingParams {
  return {
    signedInAt: s?.at ?? null,
    signInIp: s?.ip ?? null,
    signInPlace: s?.place ?? null,
    factors: s?.factors ?? [],
    approval: !s ? null : (s.approval?.by ?? 'none'),
    approverName: s?.approval?.deviceName ?? s?.approval?.deviceId ?? null,
    approvalFactor: s?.approval?.factor ?? null,
    approvedAt: s?.approval?.at ?? null,
  };
}

/** Each place of a group with its count; the place object when a listed photo carries it, else the label. */
function placeItems(g: ExplainGroup): FindingItem[] {
  const byLabel = new Map(g.photos.flatMap((p) => (p.place ? [[p.place.label, p.place] as const] : [])));
  return g.places.map((p) => ({ label: p.label, place: byLabel.get(p.label) ?? null, count: p.count }));
}

function signInCites(s: SignInEvidence | null): AuditCitation[] {
  if (!s) return [];
  return [s.cite, ...(s.enrolment ? [s.enrolment.cite] : []), ...(s.approval ? [s.approval.cite] : [])];
}

export function findings(groups: ExplainGroup[], device: DeviceRow, elsewhere: number): ExplainFinding[] {
  const out: ExplainFinding[] = [];
  for (const g of groups) {
    const places = g.places.map((p) => `${p.label} ×${p.count}`).join(', ');
    const span = g.first === g.last ? `at ${g.first}` : `between ${g.first} and ${g.last}`;
    const delivered = g.photos.flatMap((p) => (p.deliveryCite ? [p.deliveryCite] : []));
    const deliveries = [...new Map(delivered.map((c) => [c.seq, c])).values()];
    const uploads = g.photos.flatMap((p) => (p.cite ? [p.cite] : []));
    const common = { count: g.count, first: g.first, last: g.last, places: placeItems(g) };
    const batches = { device: device.name, batches: deliveries.length };
    if (g.origin === 'anomaly') {
      for (const p of g.photos)
        out.push({
          severity: 'anomaly',
          code: 'photo-anomaly',
          params: { photoId: p.photoId, device: device.name, reasons: p.reasonCodes ?? [] },
          text: `Photo ${p.photoId} is on “${device.name}” but ${p.reasons?.join('; ') ?? 'does not add up'}.`,
          cites: [...(p.cite ? [p.cite] : []), ...(p.deliveryCite ? [p.deliveryCite] : [])],
        });
    } else if (g.origin === 'this-device') {
      out.push({
        severity: 'info',
        code: 'this-device-uploads',
        params: common,
        text: `${g.count} photo(s) were uploaded by this device ${span}, from ${places}.`,
        cites: [...signInCites(g.signIn), ...uploads],
      });
    } else if (g.origin === 'shared-in' && g.sharedIn) {
      const { albumId, ownerAccountId, grantedAt, cite } = g.sharedIn;
      const received = deliveries.length
        ? ` They reached “${device.name}” in ${deliveries.length} sync batch(es).`
        : '';
      out.push({
        severity: 'info',
        code: 'shared-in',
        params: { count: g.count, albumId, ownerAccountId, grantedAt, ...batches },
        text: `${g.count} photo(s) were shared into this account through album ${albumId} of account ${ownerAccountId}, shared since ${grantedAt}.${received}`,
        cites: [...(cite ? [cite] : []), ...deliveries],
      });
    } else if (g.device) {
      const d = g.device;
      const received = deliveries.length
        ? ` They reached “${device.name}” in ${deliveries.length} sync batch(es).`
        : '';
      out.push({
        severity: 'warning',
        code: 'other-device-uploads',
        params: {
          ...common,
          ...batches,
          ...signInParams(g.signIn),
          deviceId: d.id,
          deviceName: d.name,
          model: d.model,
          serial: d.serial,
        },
        text:
          `${g.count} photo(s) came from another device of this account, “${d.name}”` +
          `${d.model ? ` (${d.model}${d.serial ? `, serial ${d.serial}` : ''})` : ''}, ${signInText(g.signIn)}; ` +
          `uploaded ${span} from ${places}.${received}`,
        cites: [...signInCites(g.signIn), ...uploads, ...deliveries],
      });
    }
  }
  if (elsewhere > 0)
    out.push({
      severity: 'anomaly',
      code: 'unmatched-elsewhere',
      params: { count: elsewhere },
      text: `${elsewhere} other photo(s) of this library (not on this device) have no matching upload record; run explain for the whole library.`,
      cites: [],
    });
  return out;
}
