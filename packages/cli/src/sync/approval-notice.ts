import type { Place } from '@shoebox/shared';

/** The `enrolment.requested` message a trusted device receives on its live channel (an EnrolmentRequest). */
interface ApprovalRequest {
  id?: string;
  device?: { id?: string; name?: string; model?: string | null; os?: string | null };
  ip?: string | null;
  place?: Place | null;
  requestedAt?: string;
  expiresAt?: string;
  riskFlags?: string[];
}

/**
 * What a running sync agent prints when a new device asks to join: enough for the person at this device to
 * recognise it (or not) and the exact commands to answer. The first line keeps its historical shape; scripts
 * look for it.
 */
export function approvalNotice(data: unknown): string[] {
  const r = (data ?? {}) as ApprovalRequest;
  const id = r.device?.id ?? 'ID';
  const what = [r.device?.model, r.device?.os].filter((x): x is string => Boolean(x)).join(', ');
  const lines = [
    `approval requested by device "${r.device?.name ?? '?'}" (${id}${r.ip ? `, from ${r.ip}` : ''})`,
    `  device  ${what || 'model and system not given'}`,
    `  from    ${placeText(r.place)}, IP ${r.ip ?? 'unknown'}`,
    `  at      ${r.requestedAt ?? '?'}${r.expiresAt ? ` (answer before ${r.expiresAt})` : ''}`,
  ];
  if (r.riskFlags && r.riskFlags.length > 0) lines.push(`  risk    ${r.riskFlags.join(', ')}`);
  lines.push(`  allow   shoebox devices approve ${id}`, `  refuse  shoebox devices deny ${id}`);
  return lines;
}

function placeText(place: Place | null | undefined): string {
  if (!place) return 'unknown place';
  const parts = [place.city, place.region, place.country].filter((x): x is string => Boolean(x));
  const named = parts.length > 0 ? parts.join(', ') : place.label;
  return place.accuracyKm !== null ? `${named} (within ~${place.accuracyKm} km)` : named;
}
