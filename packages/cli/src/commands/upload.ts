import path from 'node:path';
import type { Command } from 'commander';
import { UPLOAD_HEADERS, type ExistsResponse, type UploadResult } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { collectFiles, mapLimit, sha256File, type FoundFile } from '../files.ts';
import { CliError, type Output } from '../output.ts';
import { createProgress } from '../progress.ts';

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
    .option('-c, --concurrency <n>', 'parallel uploads', '4')
    .action(async (paths: string[], options: { concurrency: string }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const concurrency = Math.max(1, Math.min(32, Number(options.concurrency) || 4));
      const { files, missing } = await collectFiles(paths);
      if (files.length === 0 && missing.length > 0)
        throw new CliError(`No such file or folder: ${missing.join(', ')}`);
      const outcomes = await uploadAll(client, files, concurrency, ctx.out);
      for (const m of missing)
        outcomes.push({ file: m, status: 'failed', reason: 'No such file or folder.', code: 'not_found' });
      report(ctx.out, outcomes);
      if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
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
  const hashes = await mapLimit(files, concurrency, (f) => sha256File(f.path));
  const existing = await existingOnServer(client, hashes);
  const outcomes = await mapLimit(files, concurrency, async (file, i): Promise<FileOutcome> => {
    const sha256 = hashes[i] as string;
    const known = existing.get(sha256);
    if (known) {
      progress.advance(file.size);
      return { file: file.path, status: 'skipped', id: known, sha256, reason: 'already in the library' };
    }
    try {
      const result = await client.request<UploadResult>('POST', '/photos', {
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
      const status = result.created ? 'uploaded' : 'skipped';
      return {
        file: file.path,
        status,
        id: result.photo.id,
        sha256,
        ...(result.created ? {} : { reason: 'already in the library' }),
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

async function existingOnServer(client: ApiClient, hashes: string[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  const unique = [...new Set(hashes)];
  for (let i = 0; i < unique.length; i += 1000) {
    const batch = unique.slice(i, i + 1000);
    const { existing } = await client.request<ExistsResponse>('POST', '/photos/exists', {
      json: { sha256: batch },
    });
    for (const [sha, id] of Object.entries(existing)) known.set(sha, id);
  }
  return known;
}

function report(out: Output, outcomes: FileOutcome[]): void {
  const count = (s: FileOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const summary = { uploaded: count('uploaded'), skipped: count('skipped'), failed: count('failed') };
  out.result({ ...summary, files: outcomes }, () => [
    ...outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => `failed   ${o.file}: ${o.reason ?? 'unknown error'}`),
    `${summary.uploaded} uploaded, ${summary.skipped} skipped (already in the library), ${summary.failed} failed`,
  ]);
}
