import path from 'node:path';
import type { Command } from 'commander';
import type { ExistsResponse, UPLOAD_HEADERS as SharedHeaders, UploadResult } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { collectFiles, mapLimit, sha256File, type FoundFile } from '../files.ts';
import { CliError, type Output } from '../output.ts';
import { wholeNumber } from '../options.ts';
import { createProgress } from '../progress.ts';

/**
 * The upload headers, spelled out instead of imported: importing the value would load zod and every API schema
 * at start-up (about half a second). The type annotation makes the compiler check they match the shared ones.
 */
const UPLOAD_HEADERS: typeof SharedHeaders = {
  sha256: 'x-shoebox-sha256',
  fileName: 'x-shoebox-file-name',
  fileModified: 'x-shoebox-file-modified',
  fileCreated: 'x-shoebox-file-created',
};

interface FileOutcome {
  file: string;
  status: 'uploaded' | 'skipped' | 'failed';
  id?: string;
  sha256?: string;
  reason?: string;
  code?: string;
}

export function registerUpload(program: Command): void {
  program
    .command('upload <paths...>')
    .description('Upload photos (files and folders, recursively); skips what the server already has')
    .option('-c, --concurrency <n>', 'parallel uploads, 1 to 32', wholeNumber(1, 32), 4)
    .action(async (paths: string[], options: { concurrency: number }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const { files, missing } = await collectFiles(paths);
      if (files.length === 0 && missing.length > 0)
        throw new CliError(`No such file or folder: ${missing.join(', ')}`);
      const outcomes = await uploadAll(client, files, options.concurrency, ctx.out);
      for (const m of missing)
        outcomes.push({ file: m, status: 'failed', reason: 'No such file or folder.', code: 'not_found' });
      report(ctx.out, outcomes);
      // The report above is the result; the one `shoebox:` line is what marks the run as failed.
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      if (failed > 0) throw new CliError(`${failed} of ${outcomes.length} file(s) could not be uploaded.`);
    });
}

async function uploadAll(
  client: ApiClient,
  files: FoundFile[],
  concurrency: number,
  out: Output,
): Promise<FileOutcome[]> {
  const total = files.reduce((n, f) => n + f.size, 0);
  const progress = createProgress(out, files.length, total);
  // A file that vanished or cannot be read fails on its own instead of ending the whole run.
  const hashes = await mapLimit(files, concurrency, (f) => sha256File(f.path).catch((err: Error) => err));
  const existing = await existingOnServer(
    client,
    hashes.filter((h) => typeof h === 'string'),
  );
  const outcomes = await mapLimit(files, concurrency, async (file, i): Promise<FileOutcome> => {
    const sha256 = hashes[i];
    if (typeof sha256 !== 'string') {
      progress.advance(file.size);
      const reason = `Cannot read the file: ${sha256?.message ?? 'unknown error'}`;
      return { file: file.path, status: 'failed', reason, code: 'unreadable' };
    }
    const known = existing.get(sha256);
    if (known) {
      progress.advance(file.size);
      return { file: file.path, status: 'skipped', id: known.id, sha256, reason: skipReason(known.trashed) };
    }
    try {
      const result = await sendFile(client, file, sha256);
      const status = result.created ? 'uploaded' : 'skipped';
      return {
        file: file.path,
        status,
        id: result.photo.id,
        sha256,
        ...(result.created ? {} : { reason: skipReason(result.photo.status === 'trashed') }),
      };
    } catch (err) {
      const e = err as CliError;
      return {
        file: file.path,
        status: 'failed',
        sha256,
        reason: e.message,
        ...(e.code ? { code: e.code } : {}),
      };
    } finally {
      progress.advance(file.size);
    }
  });
  progress.done();
  return outcomes;
}

/**
 * Streams one file. A dropped connection (a keep-alive connection the server closed just as it was reused,
 * a Wi-Fi hiccup) is retried once: uploading is idempotent, since the server keeps each content only once.
 */
async function sendFile(client: ApiClient, file: FoundFile, sha256: string): Promise<UploadResult> {
  const send = () =>
    client.request<UploadResult>('POST', '/photos', {
      body: client.fileBody(file.path),
      headers: {
        [UPLOAD_HEADERS.sha256]: sha256,
        [UPLOAD_HEADERS.fileName]: encodeURIComponent(path.basename(file.path)),
        [UPLOAD_HEADERS.fileModified]: new Date(file.mtimeMs).toISOString(),
        ...(file.birthtimeMs > 0
          ? { [UPLOAD_HEADERS.fileCreated]: new Date(file.birthtimeMs).toISOString() }
          : {}),
      },
    });
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof CliError && err.code === 'unreachable')) throw err;
    await new Promise((resolve) => setTimeout(resolve, 250));
    return send();
  }
}

const IN_TRASH = 'in the trash';
/** Uploading a file again does not bring its photo back from the trash: say so, so it is not taken as a success. */
const skipReason = (trashed: boolean) => (trashed ? IN_TRASH : 'already in the library');

async function existingOnServer(
  client: ApiClient,
  hashes: string[],
): Promise<Map<string, { id: string; trashed: boolean }>> {
  const known = new Map<string, { id: string; trashed: boolean }>();
  const unique = [...new Set(hashes)];
  // One question per 1000 files (the server's limit) instead of one per file.
  for (let i = 0; i < unique.length; i += 1000) {
    const batch = unique.slice(i, i + 1000);
    const { existing, trashed } = await client.request<ExistsResponse>('POST', '/photos/exists', {
      json: { sha256: batch },
    });
    const inTrash = new Set(trashed);
    for (const [sha, id] of Object.entries(existing)) known.set(sha, { id, trashed: inTrash.has(sha) });
  }
  return known;
}

function report(out: Output, outcomes: FileOutcome[]): void {
  const count = (s: FileOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const summary = { uploaded: count('uploaded'), skipped: count('skipped'), failed: count('failed') };
  const trashed = outcomes.filter((o) => o.status === 'skipped' && o.reason === IN_TRASH);
  // An empty folder is not an error (a scheduled upload of an empty camera card is fine), but say why.
  const nothing = 'No photo files found (folders are searched for image extensions such as .jpg and .heic).';
  out.result({ ...summary, files: outcomes }, () => [
    ...(outcomes.length === 0 ? [nothing] : []),
    ...outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => `failed   ${o.file}: ${o.reason ?? 'unknown error'}`),
    ...trashed.map((o) => `in trash ${o.file}: restore it with \`shoebox restore ${o.id ?? ''}\``),
    `${summary.uploaded} uploaded, ${summary.skipped} skipped (already in the library${trashed.length ? ` or its trash: ${trashed.length}` : ''}), ${summary.failed} failed.`,
  ]);
}
