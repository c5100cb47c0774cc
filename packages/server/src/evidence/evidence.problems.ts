// Why a photo does not add up, as codes (for clients to word in their reader's language) with English words.
import type { AnomalyCode, SignInEvidence } from '@shoebox/shared';
import type { DeviceRow } from '../adapters/db/schema.ts';
import { str } from './evidence.ledger.ts';
import type { EvidencePhotoRow, LoggedEvent } from './evidence.store.ts';

/** One thing about a photo that does not add up: its code for clients, its English words for people. */
export interface Problem {
  code: AnomalyCode;
  text: string;
}

const PROBLEM_TEXT: Record<AnomalyCode, string> = {
  'no-upload-entry': 'no photo.uploaded entry for it in this account’s audit log',
  'content-differs': 'its content differs from the logged upload (SHA-256)',
  'upload-names-other-device': 'the logged upload names another device',
  'upload-names-other-session': 'the logged upload names another session',
  'device-missing': 'its uploading device does not exist',
  'foreign-device': 'it was uploaded by another account’s device',
  'no-sign-in': 'its upload session has no sign-in in this account’s log',
  'never-approved': 'its uploading device was never approved (no enrolment in the log)',
  'not-shared': 'it belongs to another account and no album shares it with this account',
  'not-in-feed': 'it never entered the account’s change feed',
};

export function problem(code: AnomalyCode, text = PROBLEM_TEXT[code]): Problem {
  return { code, text };
}

/** Why a photo's upload does not add up, or [] when it does. */
export function uploadProblems(
  photo: EvidencePhotoRow,
  upload: LoggedEvent | undefined,
  device: DeviceRow | undefined,
  signIn: SignInEvidence | null,
): Problem[] {
  const codes: AnomalyCode[] = [];
  if (!upload) codes.push('no-upload-entry');
  else {
    if (str(upload, 'sha256') !== photo.sha256) codes.push('content-differs');
    if (str(upload, 'deviceId') !== photo.upload_device_id) codes.push('upload-names-other-device');
    if (str(upload, 'sessionId') !== photo.upload_session_id) codes.push('upload-names-other-session');
  }
  if (!device) codes.push('device-missing');
  else if (device.account_id !== photo.account_id) codes.push('foreign-device');
  if (!signIn) codes.push('no-sign-in');
  else if (!signIn.approval) codes.push('never-approved');
  return codes.map((code) => problem(code));
}
