// `shoebox audit export` and `shoebox audit verify`. The file's format and how it is built are shared with the
// web app (packages/shared/src/audit-export); checking it offline stays here.
import { LEAF_LENGTHS, auditLeaf, carriesTag } from '@shoebox/shared/audit-leaf/index';
import {
  Frontier,
  bytesEqual,
  leafHash,
  openCheckpoint,
  toBase64,
  tryFromBase64,
  verifyInclusion,
} from '@shoebox/shared/merkle/index';
import {
  EXPORT_FORMAT,
  buildAuditExport,
  type AuditExport,
  type BuildExportOptions,
} from '@shoebox/shared/audit-export/index';
import { canonicalJson } from '@shoebox/shared/canonical-json';
import type { ApiClient } from './api-client.ts';
import { witnessCheckpoint } from './audit-witness.ts';

export { EXPORT_FORMAT };
export type { AuditExport, ExportedEvent } from '@shoebox/shared/audit-export/index';
import type { ExportedEvent } from '@shoebox/shared/audit-export/index';

/** The export as this device sees it: the checkpoints it witnessed come from its witness file in `home`. */
export async function buildExport(
  client: ApiClient,
  home: string,
  options: BuildExportOptions = {},
): Promise<AuditExport> {
  return buildAuditExport(client, async () => (await witnessCheckpoint(client, home)).state, options);
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  size: number;
  problems: string[];
}

/** Everything checked offline; every failure is named, not just the first. */
export function verifyExport(doc: AuditExport): VerifyReport {
  const problems: string[] = [];
  const fail = (p: string) => {
    if (problems.length < 100) problems.push(p);
  };
  if (doc.format !== EXPORT_FORMAT) fail(`not a Shoebox audit export (format ${String(doc.format)})`);
  const key = tryFromBase64(doc.key ?? '');
  if (!key) fail('the account key is not base64');
  const opened = openCheckpoint(doc.checkpoint?.note ?? '', doc.verifierKey ?? '');
  if (!opened.ok) {
    fail(`the checkpoint does not verify with the log's key: ${opened.reason}`);
    return { ok: false, events: 0, size: 0, problems };
  }
  const { size, rootHash } = opened.checkpoint;
  const leaves = (doc.leaves ?? []).map((b64, seq) => {
    const leaf = tryFromBase64(b64);
    if (!leaf || !LEAF_LENGTHS.includes(leaf.length)) fail(`leaf ${seq} is not 48 or 64 bytes of base64`);
    return leaf ?? new Uint8Array(64);
  });
  if (leaves.length !== size)
    fail(`the export has ${leaves.length} leaves but its checkpoint covers ${size}`);

  // Every witnessed checkpoint must be a prefix of these leaves: recompute each root.
  const roots = new Map<number, string>();
  // Those this device kept, the head, and those the account's devices reported (the server cannot forge one).
  const witnessed = [
    ...[...(doc.checkpoints ?? []), doc.checkpoint].map((seen) => ({ seen, by: '' })),
    ...(doc.deviceCheckpoints ?? []).map((seen) => ({ seen, by: ` reported by device ${seen.deviceId}` })),
  ];
  for (const { seen, by } of witnessed) {
    const c = openCheckpoint(seen.note, doc.verifierKey);
    if (!c.ok) fail(`witnessed checkpoint of size ${seen.size}${by} does not verify: ${c.reason}`);
    else {
      const root = toBase64(c.checkpoint.rootHash);
      const other = roots.get(c.checkpoint.size);
      if (other !== undefined && other !== root)
        fail(`two different roots for size ${c.checkpoint.size}${by ? ` (one${by})` : ''}`);
      roots.set(c.checkpoint.size, root);
      if (c.checkpoint.size > leaves.length)
        fail(`checkpoint of size ${c.checkpoint.size}${by} is beyond the exported log`);
    }
  }
  const frontier = Frontier.empty();
  const check = () => {
    const want = roots.get(frontier.size);
    if (want !== undefined && want !== toBase64(frontier.root()))
      fail(`the leaves do not hash to the witnessed checkpoint of size ${frontier.size}: history differs`);
  };
  for (const leaf of leaves) {
    frontier.append(leafHash(leaf));
    check();
  }

  const disclosed = new Set<number>();
  let previous = -1;
  for (const e of doc.events ?? []) {
    if (e.seq <= previous) fail(`event ${e.seq} is out of order (after ${previous})`);
    previous = Math.max(previous, e.seq);
    disclosed.add(e.seq);
    if (e.seq >= size) {
      fail(`event ${e.seq} is not covered by the checkpoint (size ${size})`);
      continue;
    }
    let parsed: CommittedEvent;
    try {
      parsed = JSON.parse(e.event) as typeof parsed;
    } catch {
      fail(`event ${e.seq} is not JSON`);
      continue;
    }
    if (parsed.seq !== e.seq || parsed.kind !== e.kind)
      fail(`event ${e.seq} text does not match its seq and kind`);
    const salt = tryFromBase64(e.salt) ?? new Uint8Array();
    const logged = leaves[e.seq];
    const leaf = key ? auditLeaf(key, e.seq, salt, e.event, logged) : new Uint8Array();
    if (!logged || !bytesEqual(leaf, logged)) {
      fail(`event ${e.seq} (${e.kind}) does not open the log's leaf ${e.seq}: it was changed or moved`);
      continue;
    }
    for (const field of decodedFieldsDiffering(e, parsed, leaf))
      fail(`event ${e.seq} (${e.kind}): its ${field} is not what the committed text says`);
    const proof = e.proof.map((p) => tryFromBase64(p) ?? new Uint8Array());
    const included = verifyInclusion(leafHash(leaf), e.seq, size, proof, rootHash);
    if (!included.ok) fail(`event ${e.seq}: inclusion proof fails (${included.reason})`);
  }
  if (key) {
    leaves.forEach((leaf, seq) => {
      if (!disclosed.has(seq) && carriesTag(leaf, key, seq))
        fail(`entry ${seq} belongs to this account but was not disclosed`);
    });
  }
  return { ok: problems.length === 0, events: doc.events?.length ?? 0, size, problems };
}

/** The committed text's fields (canonical JSON {at, body, kind, seq, v}). */
interface CommittedEvent {
  seq?: unknown;
  kind?: unknown;
  at?: unknown;
  body?: unknown;
}

/**
 * Which of the decoded copies an exported event carries beside its committed text (body, createdAt, and the tag,
 * commitment and leaf) say something else than the text and its leaf. A reader sees those copies first; only the
 * text is committed, so a copy edited in the file would otherwise pass as verified.
 */
function decodedFieldsDiffering(e: ExportedEvent, parsed: CommittedEvent, leaf: Uint8Array): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => {
    try {
      return canonicalJson(a) === canonicalJson(b);
    } catch {
      return false;
    }
  };
  if (e.body !== undefined && !same(e.body, parsed.body)) out.push('body');
  if (e.createdAt !== undefined && Date.parse(e.createdAt) !== parsed.at) out.push('createdAt');
  const commitment = leaf.subarray(leaf.length - 32);
  const copies: [keyof ExportedEvent, Uint8Array][] = [
    ['leaf', leaf],
    ['tag', leaf.subarray(0, leaf.length - 32)],
    ['commitment', commitment],
  ];
  for (const [field, bytes] of copies) {
    const copy = e[field];
    if (copy !== undefined && copy !== toBase64(bytes)) out.push(field);
  }
  return out;
}

export function verifySummary(r: VerifyReport): string[] {
  if (r.ok)
    return [
      `${r.events} events verified; checkpoints consistent; no undisclosed events for this account up to size ${r.size}`,
    ];
  return ['VERIFICATION FAILED:', ...r.problems.map((p) => `  - ${p}`)];
}
