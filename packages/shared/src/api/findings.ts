import { z } from 'zod';
import { Place } from './common.ts';

/**
 * What a finding is about, for a client to say in its reader's language: a stable `code` from a closed set and the
 * facts it names as `params` (ids, device names, ISO times, places as objects, counts). The English `text` or
 * `message` beside them stays for the CLI and API users; a client meeting a code it does not know shows that text.
 */
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** One entry of a list param: a place with its count, a sale with its date and retailer. */
export const FindingItem = z.record(z.string(), z.union([Scalar, Place]));
export type FindingItem = z.infer<typeof FindingItem>;
export const FindingParam = z.union([Scalar, Place, z.array(z.string()), z.array(FindingItem)]);
export const FindingParams = z.record(z.string(), FindingParam).meta({ id: 'FindingParams' });
export type FindingParams = z.infer<typeof FindingParams>;

/** Why a photo does not add up; `text` (or the `reasons`/`anomalies` string at the same index) says it in English. */
export const AnomalyCode = z.enum([
  'no-upload-entry',
  'content-differs',
  'upload-names-other-device',
  'upload-names-other-session',
  'device-missing',
  'foreign-device',
  'no-sign-in',
  'never-approved',
  'not-shared',
  'not-in-feed',
]);
export type AnomalyCode = z.infer<typeof AnomalyCode>;

export const ExplainFindingCode = z.enum([
  'photo-anomaly',
  'this-device-uploads',
  'other-device-uploads',
  'shared-in',
  'unmatched-elsewhere',
]);
export type ExplainFindingCode = z.infer<typeof ExplainFindingCode>;

export const FleetFindingCode = z.enum([
  'unknown-serial',
  'never-sold',
  'sold-more-than-once',
  'sold-by-unshipped-retailer',
  'activated-before-sale',
  'activated-by-another-account',
]);
export type FleetFindingCode = z.infer<typeof FleetFindingCode>;

/** The explain report's fleet lines: a fleet finding, or a check that passed (said out loud: it is evidence too). */
export const FleetSummaryCode = z.enum([
  ...FleetFindingCode.options,
  'passed-activated-before-sale',
  'passed-activated-by-another-account',
  'passed-sold-more-than-once',
  'passed-sold-by-unshipped-retailer',
]);
export type FleetSummaryCode = z.infer<typeof FleetSummaryCode>;
