// Building an audit export, whatever carries the requests (the CLI's HTTP client, the browser's fetch) and
// wherever the device keeps the checkpoints it witnessed (a file beside device.json, localStorage).
import type { EvidenceEntries } from '../api/evidence.ts';
import { EXPORT_FORMAT, type AuditExport, type DeviceCheckpoint, type SeenCheckpoint } from './format.ts';

export interface ExportRequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
}

/** Fetches an API path (without the `/api` prefix) as JSON; any failure throws. */
export interface ExportApi {
  /** Where the server is, as the export names it. */
  readonly server: string;
  request<T>(method: 'GET' | 'POST', path: string, options?: ExportRequestOptions): Promise<T>;
}

/** What a device has witnessed of the log: the pinned key, the latest checkpoint it verified, and all of them. */
export interface WitnessedCheckpoints {
  verifierKey: string;
  latest: SeenCheckpoint;
  seen: SeenCheckpoint[];
}

/**
 * Fetches the server's latest checkpoint, accepts it only if it extends what this device verified before (throwing
 * otherwise), remembers it, and answers with every checkpoint this device witnessed.
 */
export type WitnessLatest = () => Promise<WitnessedCheckpoints>;

export type ExportStep = 'events' | 'checkpoint' | 'proofs' | 'leaves';

/** `total` is unknown while the events are paged (the log's length is not known before the end). */
export interface ExportProgress {
  step: ExportStep;
  done: number;
  total: number | null;
}

export interface BuildExportOptions {
  onProgress?: (progress: ExportProgress) => void;
  /** Waits between checkpoint polls (the server signs within a second of growth). */
  sleep?: (ms: number) => Promise<void>;
}

interface EventsPage {
  items: { seq: number; kind: string; event: string; salt: string; leaf: string }[];
  cursor: string | null;
  hasMore: boolean;
}

const EVENTS_PAGE = 1000;
const LEAVES_PAGE = 4096;
const PROOFS_PAGE = 1000;
const CHECKPOINT_TRIES = 15;
const CHECKPOINT_WAIT_MS = 200;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function buildAuditExport(
  api: ExportApi,
  witness: WitnessLatest,
  options: BuildExportOptions = {},
): Promise<AuditExport> {
  const report = options.onProgress ?? (() => undefined);
  const sleep = options.sleep ?? wait;
  const listed: EventsPage['items'] = [];
  for (let cursor: string | undefined, more = true; more;) {
    const page = await api.request<EventsPage>('GET', '/audit/events', {
      query: { limit: EVENTS_PAGE, cursor },
    });
    listed.push(...page.items);
    report({ step: 'events', done: listed.length, total: null });
    cursor = page.cursor ?? undefined;
    more = page.hasMore;
  }
  // The server signs within a second of growth: wait a little for a checkpoint covering every event.
  const needed = (listed.at(-1)?.seq ?? -1) + 1;
  report({ step: 'checkpoint', done: 0, total: needed });
  let witnessed = await witness();
  for (let tries = 0; witnessed.latest.size < needed && tries < CHECKPOINT_TRIES; tries++) {
    await sleep(CHECKPOINT_WAIT_MS);
    witnessed = await witness();
  }
  const size = witnessed.latest.size;
  report({ step: 'checkpoint', done: size, total: needed });
  const key = await api.request<{ accountId: string; key: string }>('GET', '/audit/key');
  // What the account's other devices (and this one) reported they verified, up to this export's head: the leaves
  // below let an offline check recompute each of their roots.
  const reported = await api.request<{ items: DeviceCheckpoint[] }>('GET', '/audit/witnessed');
  const deviceCheckpoints = reported.items
    .filter((c) => c.size <= size)
    .map(({ deviceId, size: n, root, note, seenAt }) => ({ deviceId, size: n, root, note, seenAt }));
  const proofs = new Map<number, string[]>();
  const covered = listed.filter((e) => e.seq < size).map((e) => e.seq);
  for (let i = 0; i < covered.length; i += PROOFS_PAGE) {
    // Each step is reported before its request too, so a slow page shows where the export is.
    report({ step: 'proofs', done: i, total: covered.length });
    const seqs = covered.slice(i, i + PROOFS_PAGE);
    const reply = await api.request<EvidenceEntries>('POST', '/evidence/entries', { json: { seqs, size } });
    for (const item of reply.items) proofs.set(item.seq, item.proof);
    report({ step: 'proofs', done: Math.min(covered.length, i + PROOFS_PAGE), total: covered.length });
  }
  const leaves: string[] = [];
  for (let from = 0; from < size; from += LEAVES_PAGE) {
    report({ step: 'leaves', done: leaves.length, total: size });
    const page = await api.request<{ leaves: string[] }>('GET', '/audit/leaves', {
      query: { from, to: Math.min(size, from + LEAVES_PAGE) },
    });
    leaves.push(...page.leaves);
    report({ step: 'leaves', done: leaves.length, total: size });
    if (page.leaves.length === 0) break;
  }
  return {
    format: EXPORT_FORMAT,
    server: api.server,
    verifierKey: witnessed.verifierKey,
    accountId: key.accountId,
    key: key.key,
    checkpoint: witnessed.latest,
    checkpoints: witnessed.seen,
    deviceCheckpoints,
    events: listed.map((e) => ({ ...e, proof: proofs.get(e.seq) ?? [] })),
    leaves,
  };
}
