// The cited entries of a report with their inclusion proofs, for the device to check before it repeats a claim.
import type { EvidenceEntries } from '@shoebox/shared';
import { toBase64 } from '@shoebox/shared/merkle/index';
import type { Db } from '../adapters/db/database.ts';
import { auditDb } from '../audit/audit.db.ts';
import { loadTerms, openOrFail } from '../audit/audit.event-row.ts';
import { derivedSalt } from '../audit/audit.leaf.ts';
import { createAuditStore } from '../audit/audit.store.ts';
import { AuditIntegrityError, inclusionProof, treeSize } from '../audit/audit.tree.ts';
import { AppError } from '../errors.ts';
import type { EvidenceStore } from './evidence.store.ts';

const auditStore = createAuditStore();

/** `accountId`'s entries among `seqs` (others are left out), each with its proof in the tree of `size` entries. */
export async function citedEntries(
  db: Db,
  store: EvidenceStore,
  accountId: string,
  seqs: number[],
  size: number,
): Promise<EvidenceEntries> {
  const adb = auditDb(db);
  const current = await treeSize(adb);
  if (size > current) {
    // Fewer leaves than a signed checkpoint covers: rows were deleted, not a bad request.
    const signed = (await auditStore.latestCheckpoint(adb))?.size ?? 0;
    if (signed > current)
      throw new AuditIntegrityError(`the log has ${current} leaves but checkpoint ${signed} was signed`);
    throw new AppError('bad_request', `The audit log has only ${current} entries.`);
  }
  const wanted = [...new Set(seqs)].filter((s) => s < size);
  const rows = wanted.length ? await store.entries(db, accountId, wanted) : [];
  // Entries written since migration 0024 store no salt: it is derived from the account's key.
  const key = rows.some((r) => r.salt === null) ? await auditStore.key(adb, accountId) : undefined;
  const terms = await loadTerms(db, rows);
  const items = [];
  for (const r of rows) {
    const seq = Number(r.seq);
    // A cited entry must open: one that cannot (altered bytes, an unknown kind) is damage, not a gap.
    const event = openOrFail(r, terms);
    if (event === null) continue; // forgotten (crypto-shredded)
    if (r.leaf === null) throw new AuditIntegrityError(`audit leaf ${seq} is missing`);
    const salt = r.salt ?? (key && derivedSalt(key, seq));
    if (!salt) throw new AuditIntegrityError(`audit entry ${seq} has no salt and its account no key`);
    const proof = await inclusionProof(adb, seq, size);
    items.push({
      seq,
      kind: event.kind,
      event: event.text,
      salt: toBase64(salt),
      leaf: toBase64(r.leaf),
      proof: proof.map(toBase64),
    });
  }
  return { size, items };
}
