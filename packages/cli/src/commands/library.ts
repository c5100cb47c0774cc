import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Photo, PhotoPage } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { CliError, formatBytes } from '../output.ts';

export function registerLibrary(program: Command): void {
  program
    .command('ls')
    .description('List photos, newest first')
    .option('--trash', 'list the trash instead')
    .option('--limit <n>', 'at most this many (default: all)')
    .action(async (options: { trash?: boolean; limit?: string }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const max = options.limit ? Number(options.limit) : Infinity;
      const items: Photo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<PhotoPage>('GET', '/photos', {
          query: {
            status: options.trash ? 'trashed' : 'active',
            limit: Math.min(1000, max - items.length),
            cursor,
          },
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < max);
      ctx.out.result({ items }, () =>
        items.map(
          (p) =>
            `${p.id}  ${(p.captureTime ?? p.sortTime).slice(0, 19).replace('T', ' ')}  ${formatBytes(p.size).padStart(8)}  ${p.claims.fileName ?? ''}`,
        ),
      );
    });

  program
    .command('info <id>')
    .description('Every metadata field of a photo, and where it came from')
    .option('--provenance', 'show the provenance section only')
    .action(async (id: string, options: { provenance?: boolean }, command: Command) => {
      const ctx = commandContext(command);
      const photo = await ctx.client().request<Photo>('GET', `/photos/${encodeURIComponent(id)}`);
      ctx.out.result(
        options.provenance ? { id: photo.id, upload: photo.upload, claims: photo.claims } : photo,
        () => describePhoto(photo, Boolean(options.provenance)),
      );
    });

  program
    .command('get <id>')
    .description('Download the original file')
    .option('-o, --output <file>', 'where to write it (default: its original name in the current folder)')
    .option('--variant <variant>', 'original, preview or thumbnail', 'original')
    .action(async (id: string, options: { output?: string; variant: string }, command: Command) => {
      const ctx = commandContext(command);
      if (!['original', 'preview', 'thumbnail'].includes(options.variant))
        throw new CliError('--variant must be original, preview or thumbnail.');
      const client = ctx.client();
      const photo = await client.request<Photo>('GET', `/photos/${encodeURIComponent(id)}`);
      const target = path.resolve(options.output ?? defaultName(photo, options.variant));
      const response = await client.send('GET', `/photos/${encodeURIComponent(id)}/${options.variant}`);
      if (!response.body) throw new CliError('The server sent no content.');
      const tmp = `${target}.part`;
      await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(tmp));
      fs.renameSync(tmp, target);
      const size = fs.statSync(target).size;
      ctx.out.result({ id, file: target, size }, () => `Saved ${target} (${formatBytes(size)}).`);
    });

  for (const action of ['trash', 'restore'] as const) {
    program
      .command(`${action} <ids...>`)
      .description(
        action === 'trash' ? 'Move photos to the trash on every device' : 'Bring photos back from the trash',
      )
      .action(async (ids: string[], _options: unknown, command: Command) => {
        const ctx = commandContext(command);
        const client = ctx.client();
        const photos: Photo[] = [];
        for (const id of ids)
          photos.push(await client.request<Photo>('POST', `/photos/${encodeURIComponent(id)}/${action}`));
        ctx.out.result({ items: photos }, () => photos.map((p) => `${p.id}  ${p.status}`));
      });
  }

  program
    .command('delete <ids...>')
    .description('Delete photos permanently')
    .action(async (ids: string[], _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      for (const id of ids) await client.request('DELETE', `/photos/${encodeURIComponent(id)}`);
      ctx.out.result({ deleted: ids }, () => `Deleted ${ids.length} photo(s) permanently.`);
    });

  program
    .command('empty-trash')
    .description('Delete everything in the trash permanently')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const result = await ctx.client().request<{ deleted: number }>('POST', '/trash/empty');
      ctx.out.result(result, () => `Deleted ${result.deleted} photo(s) permanently.`);
    });
}

function defaultName(photo: Photo, variant: string): string {
  if (variant !== 'original') return `${photo.id}-${variant}.jpg`;
  return path.basename(photo.claims.fileName ?? photo.id);
}

function describePhoto(p: Photo, provenanceOnly: boolean): string[] {
  const place = p.upload.place ? p.upload.place.label : 'unknown';
  const provenance = [
    'Provenance (recorded by the server)',
    `  uploaded     ${p.upload.uploadedAt}`,
    `  device       ${p.upload.deviceName ?? '?'}${p.upload.deviceModel ? ` (${p.upload.deviceModel})` : ''}  ${p.upload.deviceId}`,
    ...(p.upload.deviceSerial ? [`  serial       ${p.upload.deviceSerial}`] : []),
    `  session      ${p.upload.sessionId}`,
    `  account      ${p.upload.accountId}`,
    `  from         ${p.upload.ip ?? '?'} (${place})`,
    'Claims (from the uploading client)',
    `  file name    ${p.claims.fileName ?? '-'}`,
    `  modified     ${p.claims.fileModifiedAt ?? '-'}`,
    `  created      ${p.claims.fileCreatedAt ?? '-'}`,
  ];
  if (provenanceOnly) return provenance;
  return [
    `id           ${p.id}`,
    `status       ${p.status}${p.trashedAt ? ` (since ${p.trashedAt})` : ''}`,
    `sha256       ${p.sha256}`,
    `type         ${p.mime}, ${formatBytes(p.size)}`,
    `taken        ${p.captureTime ?? 'unknown'}${p.captureOffset ? ` ${p.captureOffset}` : ''}`,
    `camera       ${[p.make, p.model].filter(Boolean).join(' ') || 'unknown'}`,
    `dimensions   ${p.width ?? '?'} x ${p.height ?? '?'}${p.orientation ? `, orientation ${p.orientation}` : ''}`,
    `gps          ${p.gps ? `${p.gps.latitude}, ${p.gps.longitude}` : 'none'}`,
    `preview      ${p.media.state}${p.media.note ? ` — ${p.media.note}` : ''}`,
    ...(p.media.metadataProblems.length > 0 ? [`metadata     ${p.media.metadataProblems.join('; ')}`] : []),
    ...provenance,
  ];
}
