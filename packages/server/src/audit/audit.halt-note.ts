// The note that closes a shared signing halt (audit.halt.ts): signed with the log key, like the "verified up to"
// mark, under a first line no device accepts as a checkpoint. It names the halt it closes and the head the
// operator's passing full verification vouched for, so it cannot be copied onto another halt, and whoever can edit
// the database but not read the key file cannot forge one to make the instances sign again.
import { openNote, parseVerifierKey, signNote, toBase64 } from '@shoebox/shared/merkle/index';
import type { LogSigner } from './audit.keyfile.ts';
import type { VerifiedHead } from './audit.verify-mark.ts';

const FIRST_LINE = 'shoebox audit: signing halt cleared';

export function signClearance(signer: LogSigner, haltId: number, head: VerifiedHead): string {
  const text = `${FIRST_LINE}\n${signer.origin}\n${haltId}\n${head.size}\n${toBase64(head.root)}\n`;
  return signNote(text, [signer.key]);
}

/** True when `note` is this log key's clearance of halt `haltId`. */
export function clears(note: string | null, signer: LogSigner, haltId: number): boolean {
  if (note === null) return false;
  const key = parseVerifierKey(signer.vkey);
  if (!key.ok) return false;
  const opened = openNote(note, [key.key]);
  if (!opened.ok) return false;
  const [first, origin, id] = opened.text.split('\n');
  return first === FIRST_LINE && origin === signer.origin && id === String(haltId);
}
