// How far a full verification of the log got, so start-up re-derives only what was appended since (O(new entries)
// instead of O(n)). The mark is a note signed with the log key, like a checkpoint but under a first line no device
// accepts as one: whoever can edit the database cannot move it forward over entries they rewrote, because the key
// lives in a file. What it vouches for — every entry below `size` opened its leaf and every stored node and
// checkpoint below it re-derived — still holds only as long as nobody rewrote those rows since; that is what
// `verifyOnStart({ full: true })` (SHOEBOX_AUDIT_VERIFY=full) re-checks from the start.
import {
  bytesEqual,
  openNote,
  parseVerifierKey,
  signNote,
  toBase64,
  tryFromBase64,
} from '@shoebox/shared/merkle/index';
import { withinTransaction, type Queryable } from '../adapters/db/database.ts';
import type { LogSigner } from './audit.keyfile.ts';
import { AuditIntegrityError } from './audit.tree.ts';

/** settings.key of the mark. */
export const VERIFIED_MARK = 'audit-verified';
const FIRST_LINE = 'shoebox audit: fully verified up to';

export interface VerifiedHead {
  size: number;
  root: Uint8Array;
}

export function signMark(signer: LogSigner, head: VerifiedHead): string {
  return signNote(`${FIRST_LINE}\n${signer.origin}\n${head.size}\n${toBase64(head.root)}\n`, [signer.key]);
}

/** The mark's head, or AuditIntegrityError when it is not one this log key signed. */
export function openMark(note: string, signer: LogSigner): VerifiedHead {
  const key = parseVerifierKey(signer.vkey);
  if (!key.ok) throw new Error(`bad log verifier key: ${key.reason}`);
  const opened = openNote(note, [key.key]);
  const lines = opened.ok ? opened.text.split('\n') : [];
  const [first, origin, size, root] = lines;
  const hash = root === undefined ? undefined : tryFromBase64(root);
  const head =
    size !== undefined && /^\d{1,15}$/.test(size) && hash ? { size: Number(size), root: hash } : null;
  if (!opened.ok || first !== FIRST_LINE || origin !== signer.origin || !head || head.root.length !== 32)
    throw new AuditIntegrityError(
      'the record of the last full audit log verification is not signed by the log key',
    );
  return head;
}

export async function readMark(db: Queryable, signer: LogSigner): Promise<VerifiedHead | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', VERIFIED_MARK)
    .executeTakeFirst();
  return row ? openMark(row.value, signer) : undefined;
}

/** The settings row that orders mark writes and halts (both take it first; see writeMark). */
export const HALT_LOCK = 'audit-halt-lock';

/** Takes the halt lock in `trx` until it ends: a row lock on PostgreSQL; SQLite has one writer anyway. */
export async function lockHalts(trx: Queryable): Promise<void> {
  await trx
    .insertInto('settings')
    .values({ key: HALT_LOCK, value: '' })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: '' }))
    .execute();
}

/** The id of the latest halt ever raised in `db` (0 when none): what a verifying pass could see. */
export async function latestHaltId(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('audit_halts')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * Records the head a pass verified; never moves the mark back (two instances verifying at once may finish in either
 * order). `haltsSeen` is the latest halt id in the pass's snapshot: a halt raised since then (another instance found
 * tampering while this pass read an older point in time) deleted the mark so that the next start-up re-derives
 * everything, and this pass must not put it back. Halts take the same lock, so neither can slip between the other's
 * check and write.
 */
export async function writeMark(
  db: Queryable,
  signer: LogSigner,
  head: VerifiedHead,
  haltsSeen: number,
): Promise<void> {
  const write = async (trx: Queryable) => {
    await lockHalts(trx);
    if ((await latestHaltId(trx)) > haltsSeen) return;
    const current = await readMark(trx, signer).catch(() => undefined);
    if (current && current.size >= head.size) {
      if (current.size === head.size && !bytesEqual(current.root, head.root))
        throw new AuditIntegrityError(
          `audit log at size ${head.size} hashes differently from its last verification`,
        );
      return;
    }
    const value = signMark(signer, { size: head.size, root: head.root });
    await trx
      .insertInto('settings')
      .values({ key: VERIFIED_MARK, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  };
  await withinTransaction(db, write);
}
