// The audit export built in this browser (loaded on first click, never with the app): the same file as
// `shoebox audit export`, with the checkpoints this browser witnessed, so that `shoebox audit verify` checks it
// offline. Building it also witnesses the server's latest checkpoint, as the CLI does.
import {
  buildAuditExport,
  type AuditExport,
  type ExportApi,
  type ExportProgress,
  type ExportRequestOptions,
  type WitnessedCheckpoints,
} from '@shoebox/shared/audit-export/index';
import { ApiError, NETWORK_ERROR, api, call, token } from '../api/client.tsx';
import { localDayKey } from '../i18n/format.ts';
import { WitnessAlarm, checkCheckpoint, keepAndReport } from './audit-checkpoint.ts';
import { keptCheckpoints, witnessedCheckpoints } from './audit-witness-store.ts';

/** Plain JSON requests under /api with this session's token (the typed client knows paths only statically). */
const browserApi: ExportApi = {
  server: window.location.origin,
  async request<T>(method: 'GET' | 'POST', path: string, options: ExportRequestOptions = {}): Promise<T> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${token.get() ?? ''}` };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const search = query.toString() ? `?${query.toString()}` : '';
    let response: Response;
    try {
      response = await fetch(`/api${path}${search}`, { method, headers, body });
    } catch (err) {
      throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
    }
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) throw ApiError.fromProblem(response.status, data);
    return data as T;
  },
};

async function witnessLatest(): Promise<WitnessedCheckpoints> {
  const reply = await call(api.GET('/audit/checkpoint'));
  const checked = await checkCheckpoint(reply, keptCheckpoints());
  if (!checked.ok) throw new WitnessAlarm(checked.code, checked.detail);
  const latest = {
    size: checked.checkpoint.size,
    root: checked.root,
    note: reply.note,
    seenAt: new Date().toISOString(),
  };
  await keepAndReport(checked.verifierKey, latest);
  return { verifierKey: checked.verifierKey, latest, seen: witnessedCheckpoints() };
}

/** `shoebox-audit-<account>-<date>.json`, with only characters every file system takes. */
export function exportFileName(account: string, now = new Date()): string {
  const safe = account.replace(/[^A-Za-z0-9._@-]+/g, '_');
  return `shoebox-audit-${safe}-${localDayKey(now)}.json`;
}

/** Serialised exactly as the CLI writes it. */
export function exportText(doc: AuditExport): string {
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/** Builds the export and hands it to the browser as a download; resolves once the download has started. */
export async function downloadAuditExport(
  account: string,
  onProgress: (progress: ExportProgress) => void,
): Promise<{ doc: AuditExport; file: string }> {
  const doc = await buildAuditExport(browserApi, witnessLatest, { onProgress });
  const file = exportFileName(account);
  const url = URL.createObjectURL(new Blob([exportText(doc)], { type: 'application/json' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // Some browsers read the URL after the click returns: free the bytes a while later (as FileSaver.js does).
    setTimeout(() => URL.revokeObjectURL(url), 40_000);
  }
  return { doc, file };
}
