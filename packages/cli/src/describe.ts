import type { Photo } from '@shoebox/shared';
import { formatBytes } from './output.ts';

/**
 * `shoebox info` as text: every field of the photo, then what the server recorded about the upload kept apart
 * from what the uploading client merely claimed, because only the former can be trusted.
 */
export function describePhoto(p: Photo, provenanceOnly: boolean): string[] {
  const place = p.upload.place ? p.upload.place.label : 'unknown';
  const provenance = [
    'Provenance (recorded by the server)',
    `  uploaded     ${p.upload.uploadedAt}`,
    `  device       ${p.upload.deviceName ?? '?'}${p.upload.deviceModel ? ` (${p.upload.deviceModel})` : ''}  ${p.upload.deviceId}`,
    ...(p.upload.deviceSerial ? [`  serial       ${p.upload.deviceSerial}`] : []),
    `  session      ${p.upload.sessionId}`,
    `  account      ${p.upload.accountId}`,
    `  from         ${p.upload.ip ?? '?'} (${place})`,
    'Claims (from the uploading client)',
    `  file name    ${p.claims.fileName ?? '-'}`,
    `  modified     ${p.claims.fileModifiedAt ?? '-'}`,
    `  created      ${p.claims.fileCreatedAt ?? '-'}`,
  ];
  if (provenanceOnly) return provenance;
  return [
    `id           ${p.id}`,
    `status       ${p.status}${p.trashedAt ? ` (since ${p.trashedAt})` : ''}`,
    `sha256       ${p.sha256}`,
    `type         ${p.mime}, ${formatBytes(p.size)} (${p.size} bytes)`,
    `taken        ${p.captureTime ?? 'unknown'}${p.captureOffset ? ` ${p.captureOffset}` : ''}`,
    `taken (UTC)  ${p.capturedAtUtc ?? 'unknown'}`,
    `sorted by    ${p.sortTime}`,
    `camera       ${[p.make, p.model].filter(Boolean).join(' ') || 'unknown'}`,
    `dimensions   ${p.width ?? '?'} x ${p.height ?? '?'}${p.orientation ? `, orientation ${p.orientation}` : ''}`,
    `gps          ${p.gps ? `${p.gps.latitude}, ${p.gps.longitude}` : 'none'}`,
    `preview      ${p.media.state}${p.media.note ? ` — ${p.media.note}` : ''}`,
    ...(p.media.metadataProblems.length > 0 ? [`metadata     ${p.media.metadataProblems.join('; ')}`] : []),
    ...provenance,
  ];
}
