// Before the CLI repeats any claim of an evidence report it checks the audit entries the claim
// cites: each must be this account's (it opens with the account key), say what the citation says
// (its kind), and be included in the checkpoint this device witnessed.
import type { AuditCitation, EvidenceEntries } from '@shoebox/shared';
import { auditLeaf } from '@shoebox/shared/audit-leaf/index';
import { bytesEqual, fromBase64, leafHash, verifyInclusion } from '@shoebox/shared/merkle/index';
import type { ApiClient } from './api-client.ts';
import { AuditAlarm, witnessCheckpoint } from './audit-witness.ts';

/** Most entries checked per report; the rest are covered by `shoebox audit check`. */
export const MAX_CHECKED = 5000;
const PAGE = 1000;

export interface CitationCheck {
  checked: number;
  cited: number;
  size: number;
}

/** What a cited entry must say about its subject beyond its kind, e.g. that an upload is of this photo. */
export type CitationSubjects = ReadonlyMap<number, Record<string, string>>;

export async function verifyCitations(
  client: ApiClient,
  home: string,
  citations: readonly AuditCitation[],
  subjects: CitationSubjects = new Map(),
): Promise<CitationCheck> {
  const kinds = new Map<number, string>();
  for (const c of citations) kinds.set(c.seq, c.kind);
  const seqs = [...kinds.keys()].sort((a, b) => a - b);
  const needed = (seqs.at(-1) ?? -1) + 1;
  let witnessed = await witnessCheckpoint(client, home);
  // The server signs within a second of growth: a fresh citation may need a moment.
  for (let tries = 0; witnessed.checkpoint.size < needed && tries < 15; tries++) {
    await new Promise((r) => setTimeout(r, 200));
    witnessed = await witnessCheckpoint(client, home);
  }
  const { size, rootHash } = witnessed.checkpoint;
  if (size < needed)
    throw new AuditAlarm(`the report cites entry ${needed - 1}, beyond the signed log (${size}).`);
  const key = fromBase64((await client.request<{ key: string }>('GET', '/audit/key')).key);
  const wanted = seqs.slice(0, MAX_CHECKED);
  const failures: string[] = [];
  for (let i = 0; i < wanted.length; i += PAGE) {
    const batch = wanted.slice(i, i + PAGE);
    const reply = await client.request<EvidenceEntries>('POST', '/evidence/entries', {
      json: { seqs: batch, size },
    });
    const got = new Map(reply.items.map((e) => [e.seq, e]));
    for (const seq of batch) {
      const e = got.get(seq);
      if (!e) {
        failures.push(`${seq}: not an entry of this account`);
        continue;
      }
      const served = fromBase64(e.leaf);
      const leaf = auditLeaf(key, seq, fromBase64(e.salt), e.event, served);
      const parsed = JSON.parse(e.event) as { seq?: unknown; kind?: unknown; body?: Record<string, unknown> };
      const subject = Object.entries(subjects.get(seq) ?? {}).find(([k, v]) => parsed.body?.[k] !== v);
      if (!bytesEqual(leaf, served)) failures.push(`${seq}: does not open with this account's key`);
      else if (parsed.seq !== seq || parsed.kind !== kinds.get(seq))
        failures.push(`${seq}: is a ${String(parsed.kind)} entry, cited as ${kinds.get(seq)}`);
      else if (subject)
        failures.push(
          `${seq}: records ${subject[0]} ${String(parsed.body?.[subject[0]])}, cited for ${subject[1]}`,
        );
      else {
        const ok = verifyInclusion(leafHash(leaf), seq, size, e.proof.map(fromBase64), rootHash);
        if (!ok.ok) failures.push(`${seq}: inclusion proof fails (${ok.reason})`);
      }
    }
  }
  if (failures.length > 0)
    throw new AuditAlarm(
      `${failures.length} cited audit entries do not check out: ${failures.slice(0, 5).join('; ')}`,
    );
  return { checked: wanted.length, cited: seqs.length, size };
}
