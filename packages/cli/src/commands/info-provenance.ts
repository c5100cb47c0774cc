import type { AuditCitation, PhotoProvenance } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { verifyCitations, type CitationCheck } from '../audit-citations.ts';
import { riskText } from './explain.ts';

/** `shoebox info ID --provenance`: the server's provenance, each cited audit entry checked first. */
export async function provenanceOf(
  client: ApiClient,
  home: string,
  id: string,
): Promise<{ provenance: PhotoProvenance; verified: CitationCheck }> {
  const provenance = await client.request<PhotoProvenance>(
    'GET',
    `/photos/${encodeURIComponent(id)}/provenance`,
  );
  const s = provenance.signIn;
  const citations: AuditCitation[] = [
    ...(provenance.upload.cite ? [provenance.upload.cite] : []),
    ...(s
      ? [s.cite, ...(s.enrolment ? [s.enrolment.cite] : []), ...(s.approval ? [s.approval.cite] : [])]
      : []),
    ...(provenance.sharedIn?.cite ? [provenance.sharedIn.cite] : []),
    ...provenance.deliveries.flatMap((d) => (d.cite ? [d.cite] : [])),
  ];
  return { provenance, verified: await verifyCitations(client, home, citations) };
}

const at = (c: AuditCitation | null | undefined) => (c ? ` [${c.seq}]` : '');

export function describeProvenance(p: PhotoProvenance, verified: CitationCheck): string[] {
  const s = p.signIn;
  const d = p.device;
  const lines = [
    'Evidence (from the audit log)',
    `  device       ${d ? `“${d.name}”${d.model ? ` (${d.model})` : ''}${d.serial ? `, serial ${d.serial}` : ''}${d.foreign ? ' — ANOTHER ACCOUNT’S DEVICE' : ''}` : 'unknown'}`,
    `  uploaded     ${p.upload.at} from ${p.upload.ip ?? '?'}${p.upload.place ? ` (${p.upload.place.label})` : ''}${at(p.upload.cite)}`,
    s
      ? `  signed in    ${s.at} from ${s.ip ?? '?'}${s.place ? ` (${s.place.label})` : ''} with ${s.factors.join('+')}${riskText(s.riskFlags)}${at(s.cite)}`
      : '  signed in    NO SIGN-IN ON RECORD',
  ];
  if (s?.approval)
    lines.push(
      s.approval.by === 'first-device'
        ? `  approved     as the account’s first device${at(s.approval.cite)}`
        : `  approved     ${s.approval.at} from “${s.approval.deviceName ?? s.approval.deviceId ?? '?'}” with ${s.approval.factor ?? '?'}${at(s.approval.cite)}`,
    );
  else if (s) lines.push('  approved     NEVER');
  lines.push(
    `  shared in    ${p.sharedIn ? `album ${p.sharedIn.albumId} of account ${p.sharedIn.ownerAccountId}${at(p.sharedIn.cite)}` : 'no'}`,
  );
  for (const r of p.deliveries)
    lines.push(
      `  received by  “${r.deviceName}”: ${r.delivered ? `${r.deliveredAt} (${r.via})${at(r.cite)}` : 'not yet'}`,
    );
  lines.push(...p.anomalies.map((a) => `  ANOMALY: ${a}`));
  lines.push(
    `  [n] = audit log entry; ${verified.checked} cited entries verified against checkpoint ${verified.size}.`,
  );
  return lines;
}
