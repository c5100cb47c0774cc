// The explain report's types from the shared API schemas (types only: nothing of zod reaches the bundle). The
// generated client's types lose the nullability of referenced schemas, which this page relies on.
export type {
  AuditCitation as Citation,
  ExplainFinding,
  ExplainGroup,
  ExplainPhoto,
  ExplainReport,
  FleetSummary,
  SharedIn,
  SignInEvidence,
} from '@shoebox/shared/api/evidence';
export type { Place } from '@shoebox/shared/api/common';
