// The explain report's findings in words, each citing the entries it rests on; anomalies first and one per photo.
import type { AuditCitation, ExplainFinding, ExplainGroup, SignInEvidence } from '@shoebox/shared';
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
    if (g.origin === 'anomaly') {
      for (const p of g.photos)
        out.push({
          severity: 'anomaly',
          text: `Photo ${p.photoId} is on “${device.name}” but ${p.reasons?.join('; ') ?? 'does not add up'}.`,
          cites: [...(p.cite ? [p.cite] : []), ...(p.deliveryCite ? [p.deliveryCite] : [])],
        });
    } else if (g.origin === 'this-device') {
      out.push({
        severity: 'info',
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
      text: `${elsewhere} other photo(s) of this library (not on this device) have no matching upload record; run explain for the whole library.`,
      cites: [],
    });
  return out;
}
