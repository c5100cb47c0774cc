import { z } from 'zod';
import { Place } from './common.ts';
import { DeviceStatus, RiskFlag } from './devices.ts';
import { AnomalyCode, ExplainFindingCode, FindingParams, FleetSummaryCode } from './findings.ts';

/**
 * The audit entry a claim rests on. A client fetches its inclusion proof (`/api/audit/proofs/inclusion` or
 * `POST /api/evidence/entries`) and opens it with the account key, so the claim does not rest on the server's word.
 */
export const AuditCitation = z
  .object({ seq: z.number().int().min(0), kind: z.string() })
  .meta({ id: 'AuditCitation' });
export type AuditCitation = z.infer<typeof AuditCitation>;

export const EvidenceDevice = z
  .object({
    id: z.string(),
    name: z.string(),
    model: z.string().nullable(),
    serial: z.string().nullable(),
    status: DeviceStatus,
    /** Another account's device: the signature of a server-side mix-up. */
    foreign: z.boolean(),
  })
  .meta({ id: 'EvidenceDevice' });
export type EvidenceDevice = z.infer<typeof EvidenceDevice>;

/** How a device got into the account: its sign-in, its enrolment request, and who let it in. */
export const SignInEvidence = z
  .object({
    sessionId: z.string(),
    at: z.string(),
    ip: z.string().nullable(),
    place: Place.nullable(),
    factors: z.array(z.string()),
    riskFlags: z
      .array(RiskFlag)
      .meta({ description: 'Risk signals the sign-in raised (none for entries logged before they existed)' }),
    cite: AuditCitation,
    enrolment: z
      .object({
        id: z.string(),
        at: z.string(),
        ip: z.string().nullable(),
        place: Place.nullable(),
        cite: AuditCitation,
      })
      .nullable(),
    /** `device`: allowed from a trusted device; `first-device`: the account's first sign-in; null: never approved. */
    approval: z
      .object({
        by: z.enum(['device', 'first-device']),
        deviceId: z.string().nullable(),
        deviceName: z.string().nullable(),
        factor: z.string().nullable(),
        at: z.string(),
        cite: AuditCitation,
      })
      .nullable(),
  })
  .meta({ id: 'SignInEvidence' });
export type SignInEvidence = z.infer<typeof SignInEvidence>;

export const EvidenceUpload = z
  .object({
    at: z.string(),
    ip: z.string().nullable(),
    place: Place.nullable(),
    cite: AuditCitation.nullable(),
  })
  .meta({ id: 'EvidenceUpload' });

/**
 * Shared into this library through an album: `ownerAccountId` owns the album, `grantedAt` is when the membership that
 * lets the photo in was granted, `cite` its 'album.share-granted' entry in the caller's own log.
 */
export const SharedIn = z
  .object({
    albumId: z.string(),
    ownerAccountId: z.string(),
    grantedAt: z.string(),
    cite: AuditCitation.nullable(),
  })
  .meta({ id: 'SharedIn' });
export type SharedIn = z.infer<typeof SharedIn>;

export const EvidenceDelivery = z
  .object({
    deviceId: z.string(),
    deviceName: z.string(),
    delivered: z.boolean(),
    deliveredAt: z.string().nullable(),
    via: z.enum(['snapshot', 'changes']).nullable(),
    cite: AuditCitation.nullable(),
  })
  .meta({ id: 'EvidenceDelivery' });

export const PhotoProvenance = z
  .object({
    photoId: z.string(),
    sha256: z.string(),
    accountId: z.string(),
    device: EvidenceDevice.nullable(),
    sessionId: z.string(),
    signIn: SignInEvidence.nullable(),
    upload: EvidenceUpload,
    sharedIn: SharedIn.nullable(),
    deliveries: z.array(EvidenceDelivery),
    /** What does not add up (no log entry, another account's device, ...): empty for a sound photo. */
    anomalies: z.array(z.string()),
    /** The code of each of `anomalies`, at the same index. */
    anomalyCodes: z.array(AnomalyCode),
    /** Every citation is below this log size. */
    logSize: z.number().int(),
  })
  .meta({ id: 'PhotoProvenance' });
export type PhotoProvenance = z.infer<typeof PhotoProvenance>;

export const ExplainPhoto = z
  .object({
    photoId: z.string(),
    sha256: z.string(),
    uploadedAt: z.string(),
    ip: z.string().nullable(),
    place: Place.nullable(),
    cite: AuditCitation.nullable(),
    deliveredAt: z.string().nullable(),
    deliveryCite: AuditCitation.nullable(),
    /** Only on anomalies: why. */
    reasons: z.array(z.string()).optional(),
    /** The code of each of `reasons`, at the same index. */
    reasonCodes: z.array(AnomalyCode).optional(),
  })
  .meta({ id: 'ExplainPhoto' });
export type ExplainPhoto = z.infer<typeof ExplainPhoto>;

const PlaceCount = z.object({
  label: z.string(),
  count: z.number().int(),
  first: z.string(),
  last: z.string(),
});

/** Photos of one origin; `photos` holds at most `limit` of them (all anomalies are always listed). */
export const ExplainGroup = z
  .object({
    origin: z.enum(['this-device', 'other-device', 'shared-in', 'anomaly']),
    device: EvidenceDevice.nullable(),
    signIn: SignInEvidence.nullable(),
    sharedIn: SharedIn.nullable(),
    count: z.number().int(),
    first: z.string().nullable(),
    last: z.string().nullable(),
    places: z.array(PlaceCount),
    photos: z.array(ExplainPhoto),
  })
  .meta({ id: 'ExplainGroup' });
export type ExplainGroup = z.infer<typeof ExplainGroup>;

export const ExplainFinding = z
  .object({
    severity: z.enum(['anomaly', 'warning', 'info']),
    code: ExplainFindingCode,
    params: FindingParams,
    /** English, for the CLI and API users; clients say `code` with `params` in their reader's language. */
    text: z.string(),
    cites: z.array(AuditCitation),
  })
  .meta({ id: 'ExplainFinding' });
export type ExplainFinding = z.infer<typeof ExplainFinding>;

/** The device's life before and in Shoebox, from fleet records; null when fleet records are not available. */
export const FleetSummary = z
  .object({
    serial: z.string(),
    timeline: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.string() })),
    findings: z.array(
      z.object({ severity: z.string(), code: FleetSummaryCode, params: FindingParams, text: z.string() }),
    ),
  })
  .meta({ id: 'FleetSummary' });
export type FleetSummary = z.infer<typeof FleetSummary>;

export const ExplainReport = z
  .object({
    accountId: z.string(),
    device: EvidenceDevice,
    deviceSignIn: SignInEvidence.nullable(),
    /** `delivered`: what delivery records put on the device; `library`: the whole library; `photo`: one photo. */
    scope: z.enum(['delivered', 'library', 'photo']),
    total: z.number().int(),
    groups: z.array(ExplainGroup),
    findings: z.array(ExplainFinding),
    fleet: FleetSummary.nullable(),
    logSize: z.number().int(),
  })
  .meta({ id: 'ExplainReport' });
export type ExplainReport = z.infer<typeof ExplainReport>;

/** One cited entry with what a device needs to check it: the event, its leaf, its inclusion proof. */
export const EvidenceEntry = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    event: z.string(),
    salt: z.string(),
    leaf: z.string(),
    proof: z.array(z.string()),
  })
  .meta({ id: 'EvidenceEntry' });
export type EvidenceEntry = z.infer<typeof EvidenceEntry>;

export const EvidenceEntriesRequest = z
  .object({ seqs: z.array(z.number().int().min(0)).min(1).max(1000), size: z.number().int().min(1) })
  .meta({ id: 'EvidenceEntriesRequest' });

export const EvidenceEntries = z
  .object({ size: z.number().int(), items: z.array(EvidenceEntry) })
  .meta({ id: 'EvidenceEntries' });
export type EvidenceEntries = z.infer<typeof EvidenceEntries>;
